namespace FaceSorter.Immich;

/// <summary>
/// Which outside parts a face mode uses, told by the mode's own registration
/// (<c>AddUploadMode</c>, <c>AddMachineLearningMode</c>) so that <c>doctor</c> checks exactly those.
/// Each value is null when the part is used, else the reason shown for skipping its check.
/// </summary>
public sealed record FaceModeParts(string? ServerUnused, string? MachineLearningUnused, string? DatabaseUnused);
