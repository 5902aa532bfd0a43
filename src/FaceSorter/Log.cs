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

    // Writers FaceSorter cannot see (issue 9, part 3): 1100-1119, 2090-2099, 7000-7019
    [LoggerMessage(1100, LogLevel.Information, "The open-writer check sees every user's processes ({Reason}); inotify's close-after-write covers every writer too")]
    public static partial void WriterCheckSeesAll(this ILogger logger, string reason);

    [LoggerMessage(1101, LogLevel.Warning, "The open-writer check cannot see other users' processes ({Reason}): a file another user writes is taken only after inotify saw it closed, or, if its writer started before FaceSorter, after {BlindSettleTime} of quiet. Fix: run FaceSorter as the user who downloads, or grant it CAP_SYS_PTRACE (AmbientCapabilities=CAP_SYS_PTRACE in the unit)")]
    public static partial void WriterCheckBlind(this ILogger logger, string reason, TimeSpan blindSettleTime);

    [LoggerMessage(1102, LogLevel.Warning, "inotify cannot watch {Folder} for writes ({Reason}); files there are judged by the open-writer check and the quiet period only")]
    public static partial void WriteActivityUnavailable(this ILogger logger, string folder, string reason);

    [LoggerMessage(1103, LogLevel.Warning, "inotify's queue overflowed: write activity in the drop folder is unknown until files change again (the longer quiet period applies where the open-writer check is blind)")]
    public static partial void WriteActivityOverflow(this ILogger logger);

    [LoggerMessage(2090, LogLevel.Warning, "{FilePath} changed after it was taken ({Change}); its record at {Destination} is withdrawn and it goes back to the drop folder to be sorted again")]
    public static partial void ChangedAfterTaken(this ILogger logger, string filePath, string destination, string change);

    [LoggerMessage(2091, LogLevel.Information, "{Destination} is back in the drop folder as {FilePath}")]
    public static partial void ReturnedToDropFolder(this ILogger logger, string destination, string filePath);

    [LoggerMessage(7000, LogLevel.Warning, "{ConfigPath} holds {Keys} and is readable by every user on this machine (mode {Mode}). Fix: chmod 640 {ConfigPath} (group of the service), or move the secret to a file: {FileKeys}")]
    public static partial void SecretReadableByOthers(this ILogger logger, string configPath, string keys, string mode, string fileKeys);

    [LoggerMessage(1005, LogLevel.Warning, "Watched folder {Root} disappeared or was replaced; watching it again")]
    public static partial void WatchedRootReplaced(this ILogger logger, string root);

    [LoggerMessage(1006, LogLevel.Information, "Sorting is paused; {Count} files wait in the drop folder")]
    public static partial void SortingPaused(this ILogger logger, int count);

    [LoggerMessage(1007, LogLevel.Warning, "{FilePath} stays in the drop folder: {Reason}")]
    public static partial void IrregularFileHeld(this ILogger logger, string filePath, string reason);

    [LoggerMessage(1050, LogLevel.Information, "{FilePath} stays in the drop folder: {Reason}")]
    public static partial void SidecarHeld(this ILogger logger, string filePath, string reason);

    [LoggerMessage(1051, LogLevel.Debug, "{FilePath} is a working file of {Tool}: left alone")]
    public static partial void WorkingFileSeen(this ILogger logger, string filePath, string tool);
    [LoggerMessage(1150, LogLevel.Warning, "{FilePath} is stored as {Destination}: its name with the review prefix or clash suffix would be longer than {NameMax} bytes, so the end of the name before the extension was cut")]
    public static partial void NameShortened(this ILogger logger, string filePath, string destination, int nameMax);

    [LoggerMessage(1151, LogLevel.Information, "{Folder} is on a {Filesystem} filesystem, where files written by another machine raise no file events: scanning it every {PollInterval} as well (FaceSorter:Watching = Auto)")]
    public static partial void PollingNetworkShare(this ILogger logger, string folder, string filesystem, TimeSpan pollInterval);

    [LoggerMessage(1152, LogLevel.Information, "FaceSorter:Watching = Poll: scanning {Folders} every {PollInterval}, without file events")]
    public static partial void PollingForced(this ILogger logger, string folders, TimeSpan pollInterval);

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

    [LoggerMessage(2070, LogLevel.Information, "{FilePath} -> {Destination} (sidecar of {Owner})")]
    public static partial void SidecarFollowed(this ILogger logger, string filePath, string destination, string owner);

    [LoggerMessage(2071, LogLevel.Error, "{FilePath} stays in the drop folder: {Reason}")]
    public static partial void SidecarFailed(this ILogger logger, Exception? exception, string filePath, string reason);

    // Review: 5xxx
    [LoggerMessage(5000, LogLevel.Information, "Watching {Root} for review decisions (review {Review}, faces {Faces})")]
    public static partial void WatchingReview(this ILogger logger, string root, string review, string faces);

    [LoggerMessage(5001, LogLevel.Information, "{Review} and {Faces} have no common parent: watching them separately, so a move between them shows as a delete and a create, and approvals are matched by content")]
    public static partial void WatchingReviewSeparately(this ILogger logger, string review, string faces);

    [LoggerMessage(5002, LogLevel.Information, "{FilePath} approved as {Person} by {ReviewedBy} (review item {ReviewId})")]
    public static partial void ReviewApproved(this ILogger logger, string filePath, string person, string reviewedBy, long reviewId);

    [LoggerMessage(5003, LogLevel.Information, "{FilePath} rejected by {ReviewedBy} (review item {ReviewId}); its content counts as rejected")]
    public static partial void ReviewRejected(this ILogger logger, string filePath, string reviewedBy, long reviewId);

    [LoggerMessage(5004, LogLevel.Information, "{OldPath} -> {FilePath}: review item {ReviewId} is now in {Category}")]
    public static partial void ReviewMoved(this ILogger logger, string oldPath, string filePath, long reviewId, string category);

    [LoggerMessage(5005, LogLevel.Information, "{OldPath} -> {FilePath}: corrected from {FromPerson} to {Person}")]
    public static partial void FaceCorrected(this ILogger logger, string oldPath, string filePath, string? fromPerson, string person);

    [LoggerMessage(5006, LogLevel.Information, "{OldPath} -> {FilePath}: back in review ({Category}), no longer approved")]
    public static partial void ReturnedToReview(this ILogger logger, string oldPath, string filePath, string category);

    [LoggerMessage(5007, LogLevel.Information, "{FilePath} was added to {Person} by hand; later copies of it are duplicates")]
    public static partial void ManualAddition(this ILogger logger, string filePath, string person);

    [LoggerMessage(5008, LogLevel.Debug, "{FilePath} is gone from review; deciding after {Grace} (review item {ReviewId})")]
    public static partial void ReviewFileMissing(this ILogger logger, string filePath, TimeSpan grace, long reviewId);

    [LoggerMessage(5009, LogLevel.Debug, "{FilePath} matches no record; left alone")]
    public static partial void UnknownReviewFile(this ILogger logger, string filePath);

    [LoggerMessage(5010, LogLevel.Warning, "Could not read {FilePath}; trying again later")]
    public static partial void ReviewFileUnreadable(this ILogger logger, Exception exception, string filePath);

    [LoggerMessage(5011, LogLevel.Information, "Review records compared with disk: {Pending} pending, {Missing} gone from review, {Faces} recorded files under faces")]
    public static partial void ReviewReconciled(this ILogger logger, int pending, int missing, int faces);

    [LoggerMessage(5012, LogLevel.Debug, "Scanned review and faces: {Count} files")]
    public static partial void ReviewScanned(this ILogger logger, int count);

    [LoggerMessage(5013, LogLevel.Warning, "{FilePath} is in a folder whose name cannot be a person ({Folder}); left alone")]
    public static partial void UnusablePersonFolder(this ILogger logger, string filePath, string folder);

    [LoggerMessage(5014, LogLevel.Debug, "{OldPath} -> {FilePath}: renamed within {Person}")]
    public static partial void FaceRenamed(this ILogger logger, string oldPath, string filePath, string person);

    [LoggerMessage(5015, LogLevel.Error, "Review decision for {FilePath} failed; trying again at the next scan")]
    public static partial void ReviewDecisionFailed(this ILogger logger, Exception exception, string filePath);

    [LoggerMessage(5016, LogLevel.Information, "Second look: {FilePath} now matches {Person} ({Detail}); suggested for review item {ReviewId}")]
    public static partial void SecondLookMatched(this ILogger logger, string filePath, string person, string detail, long reviewId);

    [LoggerMessage(5017, LogLevel.Information, "Second look over {Count} review items: {Suggested} new suggestions")]
    public static partial void SecondLookDone(this ILogger logger, int count, int suggested);

    [LoggerMessage(5018, LogLevel.Warning, "{What} paused: {Reason}; trying again later")]
    public static partial void FollowUpPaused(this ILogger logger, string what, string reason);

    [LoggerMessage(5019, LogLevel.Error, "{What} failed; trying again in {RetryIn}")]
    public static partial void FollowUpFailed(this ILogger logger, Exception exception, string what, TimeSpan retryIn);

    // Host lifecycle: 1xx
    // The line breaks are in the template, not in a property: property values are printed with control
    // characters escaped (a file name must not forge a log line), template text as written.
    [LoggerMessage(100, LogLevel.Information, "FaceSorter is running in {Mode} mode\n  Immich:      {Immich}\n  API key:     {ApiKey}\n  Review page: {ReviewPage}\n  Drop folder: {Inbox}\n  Sorted into: {Faces} and {Review}\n  Next:        {Next}")]
    public static partial void StartupSummary(this ILogger logger, string mode, string immich, string apiKey, string reviewPage, string inbox, string faces, string review, string next);

    [LoggerMessage(101, LogLevel.Information, "Stopped after {Uptime}: {Sorted} sorted, {Failed} failed, {Waiting} waiting in the drop folder")]
    public static partial void Stopped(this ILogger logger, string uptime, int sorted, int failed, int waiting);

    // Web: 61xx
    [LoggerMessage(6100, LogLevel.Warning, "No thumbnail for {FilePath}: {Reason}")]
    public static partial void ThumbnailFailed(this ILogger logger, string filePath, string reason);

    [LoggerMessage(6101, LogLevel.Debug, "Thumbnail of {FilePath} failed")]
    public static partial void ThumbnailFailedDetail(this ILogger logger, Exception exception, string filePath);
    [LoggerMessage(5050, LogLevel.Warning, "{FilePath} is left alone: its name is not valid UTF-8, which FaceSorter cannot open; rename it to UTF-8 to have it reviewed")]
    public static partial void ReviewNameUndecodable(this ILogger logger, string filePath);

    // Store: 4xxx
    [LoggerMessage(4000, LogLevel.Information, "Store ready: {Provider} at {Location} (schema version {Version})")]
    public static partial void StoreReady(this ILogger logger, string provider, string location, int version);
}
