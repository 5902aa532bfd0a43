namespace FaceSorter.Decisions;

/// <summary>A face as the decision rules see it: where it is, and who it is, if anyone named.</summary>
/// <param name="Box">Where the face is, in the pixels of the image the face service looked at (Immich's preview).</param>
/// <param name="Person">The named person the face belongs to, or null when nobody named matched.</param>
/// <param name="Confidence">1 − cosine distance to the nearest face of <paramref name="Person"/>; null when unknown (Upload mode without Immich's database).</param>
/// <param name="RunnerUp">Another named person nearly as close (the match is ambiguous), else null.</param>
/// <param name="PersonId">Immich's id of the person (a person-group id from v3.2 on), when known.</param>
/// <param name="FaceId">Immich's id of the face, when known.</param>
/// <param name="HiddenPerson">The name of the person Immich put the face in when the user has hidden that person (who therefore does not count), for the reason; else null.</param>
public sealed record RecognizedFace(
    FaceBox Box,
    string? Person,
    double? Confidence,
    string? RunnerUp = null,
    string? PersonId = null,
    string? FaceId = null,
    string? HiddenPerson = null);
