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

    [LoggerMessage(3102, LogLevel.Information, "Gallery loaded: {People} named people, {Faces} faces in {Elapsed}")]
    public static partial void GalleryLoaded(ILogger logger, int people, int faces, TimeSpan elapsed);

    [LoggerMessage(3103, LogLevel.Warning, "Gallery could not be loaded from Immich's database; retrying in {RetryIn}")]
    public static partial void GalleryLoadFailed(ILogger logger, Exception exception, TimeSpan retryIn);

    [LoggerMessage(3104, LogLevel.Warning, "Gallery skipped {Count} faces: {Reason}")]
    public static partial void GalleryFacesSkipped(ILogger logger, int count, string reason);

    [LoggerMessage(3105, LogLevel.Debug, "ML service found {Faces} faces in {FilePath} in {Elapsed}")]
    public static partial void Predicted(ILogger logger, string filePath, int faces, TimeSpan elapsed);

    [LoggerMessage(3106, LogLevel.Debug, "ML service could not read {FilePath}: {Reason}")]
    public static partial void Unreadable(ILogger logger, string filePath, string reason);
}
