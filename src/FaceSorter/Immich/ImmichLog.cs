using Microsoft.Extensions.Logging;

namespace FaceSorter.Immich;

/// <summary>
/// Immich's log events, ids 3000-3099 (STYLE 16; Upload mode and the REST client). Debug for the
/// stage's internals, Warning for a recoverable condition, Information for lifecycle steps.
/// </summary>
internal static partial class ImmichLog
{
    [LoggerMessage(3000, LogLevel.Information, "Immich {Version} at {Url}")]
    public static partial void ServerVersion(this ILogger logger, string version, string url);

    [LoggerMessage(3001, LogLevel.Debug, "Uploading {FilePath} to Immich as {FileName} ({Length} bytes)")]
    public static partial void Uploading(this ILogger logger, string filePath, string fileName, long length);

    [LoggerMessage(3002, LogLevel.Debug, "{FilePath} is Immich asset {AssetId} ({Status})")]
    public static partial void Uploaded(this ILogger logger, string filePath, string assetId, string status);

    [LoggerMessage(3003, LogLevel.Information, "Immich cannot read {FilePath} as an image: {Reason}")]
    public static partial void UploadUnsupported(this ILogger logger, string filePath, string reason);

    [LoggerMessage(3004, LogLevel.Warning, "Immich's job queues are not readable with this API key (401/403: only an admin's key may read them); a file with no face or an unassigned face is decided only after FaceWaitTimeout ({Timeout}), since nothing else tells \"not detected yet\" from \"no face\": use an admin's key for faster answers")]
    public static partial void QueuesNotReadable(this ILogger logger, TimeSpan timeout);

    [LoggerMessage(3005, LogLevel.Debug, "Asset {AssetId}: {Faces} faces ({Named} named) after {Polls} polls in {Elapsed}")]
    public static partial void FacesRead(this ILogger logger, string assetId, int faces, int named, int polls, TimeSpan elapsed);

    [LoggerMessage(3006, LogLevel.Warning, "Asset {AssetId}: Immich's face jobs did not finish within {Timeout} ({Busy}); the file is not decided and is tried again")]
    public static partial void FaceWaitTimedOut(this ILogger logger, string assetId, TimeSpan timeout, string busy);

    [LoggerMessage(3007, LogLevel.Debug, "Deleted asset {AssetId} from Immich (KeepAssets is off)")]
    public static partial void AssetDeleted(this ILogger logger, string assetId);

    [LoggerMessage(3008, LogLevel.Debug, "Kept asset {AssetId}: it was in Immich before this upload")]
    public static partial void DuplicateKept(this ILogger logger, string assetId);

    [LoggerMessage(3009, LogLevel.Warning, "Could not delete asset {AssetId} from Immich; it stays there")]
    public static partial void AssetDeleteFailed(this ILogger logger, Exception exception, string assetId);

    [LoggerMessage(3010, LogLevel.Debug, "Retrying {Request} once: {Reason}")]
    public static partial void RetryingGet(this ILogger logger, string request, string reason);

    [LoggerMessage(3011, LogLevel.Debug, "GET /api/queues is missing on Immich {Version}; reading GET /api/jobs instead")]
    public static partial void QueuesEndpointMissing(this ILogger logger, string version);

    [LoggerMessage(3050, LogLevel.Debug, "Immich {Version} accepts these extensions: {Extensions}")]
    public static partial void MediaTypesRead(this ILogger logger, string version, string extensions);

    [LoggerMessage(3051, LogLevel.Warning, "Immich at {Url} ({Version}) does not list its media types; deciding by FaceSorter's built-in copy of v2.7.5's list")]
    public static partial void MediaTypesNotListed(this ILogger logger, string url, string version);

    [LoggerMessage(3052, LogLevel.Debug, "Not sending {FilePath} to Immich: {Reason}")]
    public static partial void NotSent(this ILogger logger, string filePath, string reason);

    [LoggerMessage(3020, LogLevel.Information, "Approval of {FilePath} as {Person} told to Immich: {Outcome}")]
    public static partial void ApprovalAssigned(this ILogger logger, string filePath, string person, string outcome);

}
