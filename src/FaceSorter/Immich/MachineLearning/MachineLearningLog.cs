using Microsoft.Extensions.Logging;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// The log events of MachineLearning mode (Immich area, 31xx). They live here rather than in a
/// shared <c>Log.cs</c> only because that file does not exist yet on this branch; move them when it does.
/// </summary>
internal static partial class MachineLearningLog
{
    [LoggerMessage(3101, LogLevel.Information, "Immich database layout {Layout} detected ({Found})")]
    public static partial void SchemaDetected(ILogger logger, ImmichLayout layout, string found);

    [LoggerMessage(3102, LogLevel.Information, "Gallery loaded: {People} named people, {Faces} faces ({Learned} of them learned from approvals) in {Elapsed}")]
    public static partial void GalleryLoaded(ILogger logger, int people, int faces, int learned, TimeSpan elapsed);

    [LoggerMessage(3107, LogLevel.Information, "Learned {Person}'s face from {FilePath}")]
    public static partial void FaceLearned(ILogger logger, string person, string filePath);

    [LoggerMessage(3108, LogLevel.Information, "Nothing to learn from {FilePath} for {Person}: {Reason}")]
    public static partial void NothingToLearn(ILogger logger, string filePath, string person, string reason);


    [LoggerMessage(3053, LogLevel.Debug, "Not sending {FilePath} to the ML service: {Reason}")]
    public static partial void NotSent(ILogger logger, string filePath, string reason);

    [LoggerMessage(3103, LogLevel.Warning, "Gallery could not be loaded from Immich's database; retrying in {RetryIn}")]
    public static partial void GalleryLoadFailed(ILogger logger, Exception exception, TimeSpan retryIn);

    [LoggerMessage(3104, LogLevel.Warning, "Gallery skipped {Count} faces: {Reason}")]
    public static partial void GalleryFacesSkipped(ILogger logger, int count, string reason);

    [LoggerMessage(3105, LogLevel.Debug, "ML service found {Faces} faces in {FilePath} in {Elapsed}")]
    public static partial void Predicted(ILogger logger, string filePath, int faces, TimeSpan elapsed);

    [LoggerMessage(3106, LogLevel.Debug, "ML service could not read {FilePath}: {Reason}")]
    public static partial void Unreadable(ILogger logger, string filePath, string reason);
}
