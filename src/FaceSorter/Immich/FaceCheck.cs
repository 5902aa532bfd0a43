namespace FaceSorter.Immich;

/// <summary>What a face service says about one image.</summary>
public abstract record FaceCheck
{
    private FaceCheck()
    {
    }

    /// <summary>The image was read; <paramref name="Faces"/> may be empty.</summary>
    /// <param name="AssetId">The Immich asset the image is (Upload mode), else null.</param>
    /// <param name="Note">Anything worth a word in the log, e.g. "face jobs still running after 2 min".</param>
    public sealed record Analyzed(IReadOnlyList<RecognizedFace> Faces, string? AssetId = null, string? Note = null) : FaceCheck;

    /// <summary>The service could not decode the file: rule 0, <c>invalid_</c> (docs/contracts.md, "Decision rules").</summary>
    public sealed record Unreadable(string Reason) : FaceCheck;

    /// <summary>
    /// Not sent: by its leading bytes the file is of a type the service does not take (Immich's
    /// media types, or a video in MachineLearning mode); <paramref name="Reason"/> names the type.
    /// rule 0, <c>invalid_</c> (docs/contracts.md, "Decision rules").
    /// </summary>
    public sealed record NotAccepted(string Reason) : FaceCheck;
}

/// <summary>A face box in the image's pixels (Immich may report values outside the image).</summary>
public sealed record FaceBox(double X1, double Y1, double X2, double Y2)
{
    public double Area => Math.Max(0, X2 - X1) * Math.Max(0, Y2 - Y1);
}

/// <param name="Person">The named person the face belongs to, or null when nobody named matched.</param>
/// <param name="Confidence">1 − cosine distance to the nearest face of <paramref name="Person"/>; null when unknown (Upload mode without Immich's database).</param>
/// <param name="RunnerUp">Another named person nearly as close (the match is ambiguous), else null.</param>
/// <param name="PersonId">Immich's id of the person (a person-group id from v3.2 on), when known.</param>
/// <param name="FaceId">Immich's id of the face, when known.</param>
public sealed record RecognizedFace(
    FaceBox Box,
    string? Person,
    double? Confidence,
    string? RunnerUp = null,
    string? PersonId = null,
    string? FaceId = null);

/// <summary>The face service cannot answer now; the file waits in the drop folder and is retried.</summary>
public sealed class FaceServiceUnavailableException : Exception
{
    public FaceServiceUnavailableException(string message)
        : base(message)
    {
    }

    public FaceServiceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
