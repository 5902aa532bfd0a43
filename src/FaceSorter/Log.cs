using Microsoft.Extensions.Logging;

namespace FaceSorter;

/// <summary>
/// Every event the daemon logs, with stable ids grouped by area: watch 1xxx, pipeline 2xxx,
/// Immich 3xxx (in <c>Immich/</c>), store 4xxx, review 5xxx, web 6xxx.
/// Information is one line per file outcome or lifecycle step; Warning a recoverable condition;
/// Error once per failed file.
/// </summary>
internal static partial class Log
{
    // Watching and settling: 1xxx
    [LoggerMessage(1000, LogLevel.Information, "Watching {Inbox} (and its sub-folders) for finished downloads")]
    public static partial void WatchingInbox(this ILogger logger, string inbox);

    [LoggerMessage(1001, LogLevel.Warning, "File watcher on {Root} failed; rescanning everything")]
    public static partial void WatcherFailed(this ILogger logger, Exception exception, string root);

    [LoggerMessage(1002, LogLevel.Debug, "Scanned {Root}: {Count} files")]
    public static partial void Scanned(this ILogger logger, string root, int count);

    [LoggerMessage(1003, LogLevel.Debug, "{FilePath} settled ({Length} bytes)")]
    public static partial void Settled(this ILogger logger, string filePath, long length);

    [LoggerMessage(1004, LogLevel.Warning, "The open-writer check cannot read every process's open files (not running as root); downloads written by another user's process are detected only by the quiet period: keep SettleTime at 10 s or more for those")]
    public static partial void WriterCheckPartial(this ILogger logger);

    [LoggerMessage(1005, LogLevel.Warning, "Watched folder {Root} disappeared or was replaced; watching it again")]
    public static partial void WatchedRootReplaced(this ILogger logger, string root);

    [LoggerMessage(1006, LogLevel.Information, "Sorting is paused; {Count} files wait in the drop folder")]
    public static partial void SortingPaused(this ILogger logger, int count);

    // Pipeline: 2xxx
    [LoggerMessage(2000, LogLevel.Information, "{FilePath} -> {Destination} ({Reason})")]
    public static partial void FileSorted(this ILogger logger, string filePath, string destination, string reason);

    [LoggerMessage(2001, LogLevel.Error, "{FilePath} stays in the drop folder: {Reason}")]
    public static partial void FileFailed(this ILogger logger, Exception? exception, string filePath, string reason);

    [LoggerMessage(2002, LogLevel.Debug, "{FilePath} changed while it was hashed; waiting for it to settle again")]
    public static partial void ChangedWhileHashing(this ILogger logger, string filePath);

    [LoggerMessage(2003, LogLevel.Warning, "Immich is unavailable ({Reason}); files wait in the drop folder and are retried")]
    public static partial void ImmichDown(this ILogger logger, string reason);

    [LoggerMessage(2004, LogLevel.Information, "Immich is available again after {Elapsed}; sorting resumes")]
    public static partial void ImmichBack(this ILogger logger, TimeSpan elapsed);

    [LoggerMessage(2005, LogLevel.Information, "Pipeline drained: {Count} files finished while stopping")]
    public static partial void PipelineDrained(this ILogger logger, int count);

    [LoggerMessage(2006, LogLevel.Warning, "{FilePath} vanished before it could be sorted")]
    public static partial void FileVanished(this ILogger logger, string filePath);

    [LoggerMessage(2007, LogLevel.Information, "Recovered an interrupted move: {Source} -> {Destination} ({Outcome})")]
    public static partial void MoveRecovered(this ILogger logger, string source, string destination, string outcome);

    [LoggerMessage(2008, LogLevel.Debug, "{FilePath}: {Note}")]
    public static partial void FaceNote(this ILogger logger, string filePath, string note);

    [LoggerMessage(2009, LogLevel.Warning, "Cannot move across filesystems atomically: {Source} -> {Destination} is copied, synced, verified and then removed")]
    public static partial void CrossFilesystemMove(this ILogger logger, string source, string destination);

    // Store: 4xxx
    [LoggerMessage(4000, LogLevel.Information, "Store ready: {Provider} at {Location} (schema version {Version})")]
    public static partial void StoreReady(this ILogger logger, string provider, string location, int version);
}
