using FaceSorter.Decisions;
using FaceSorter.FollowUps;

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

    /// <summary>
    /// Faces were found and their match waits for something other than the file: the gallery's first
    /// load (MachineLearning mode). Given only when <see cref="FaceCheckRequest.MatchLater"/> asked for
    /// it, so the caller's worker can take the next file meanwhile (docs/matching.md, "Gallery load").
    /// </summary>
    /// <param name="Result">Completes with the <see cref="Analyzed"/> answer; faults with <see cref="FaceServiceUnavailableException"/> when the gallery cannot be read.</param>
    public sealed record Pending(Task<FaceCheck> Result) : FaceCheck;
}

/// <summary>The face service cannot answer now; the file waits in the drop folder and is retried.</summary>
public sealed class FaceServiceUnavailableException : ServiceUnavailableException
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

/// <summary>
/// The face service answers, but not for this file: Immich, or a proxy in front of it, refused its upload as
/// too large (HTTP 413), or its request failed again and again while other files' requests succeeded. No
/// outage and no decision: the file stays in the drop folder, held with this reason (tried again when it
/// changes or the daemon restarts), and the files behind it go on (docs/immich-facts.md, "A failure that is the file's").
/// </summary>
public sealed class FaceServiceRefusedFileException : Exception
{
    public FaceServiceRefusedFileException(string message)
        : base(message)
    {
    }

    public FaceServiceRefusedFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
