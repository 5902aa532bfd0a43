using FaceSorter.Immich.MachineLearning;
using Microsoft.Extensions.Logging;

namespace FaceSorter;

/// <summary>
/// Every event FaceSorter logs (the library and the <c>facesorter</c> executable alike), as
/// <c>ILogger</c> extension methods with stable ids grouped by area:
/// host lifecycle 1xx; watching and settling 1xxx; pipeline 2xxx; Immich 3xxx (Upload mode and the
/// REST client 30xx, MachineLearning mode 31xx); store 4xxx; review 5xxx; web and notifications
/// 6xxx; configuration safety 7xxx. Ids never change once released: tests and users' log filters
/// match them.
/// Information is one line per file outcome or lifecycle step; Warning a recoverable condition;
/// Error once per failed file.
/// </summary>
internal static partial class Log
{
    // Host lifecycle: 1xx
    // The line breaks are in the template, not in a property: property values are printed with control
    // characters escaped (a file name must not forge a log line), template text as written.
    [LoggerMessage(100, LogLevel.Information, "FaceSorter is running in {Mode} mode\n  Immich:      {Immich}\n  API key:     {ApiKey}\n  Review page: {ReviewPage}\n  Drop folder: {Inbox}\n  Sorted into: {Faces} and {Review}\n  Next:        {Next}")]
    public static partial void StartupSummary(this ILogger logger, string mode, string immich, string apiKey, string reviewPage, string inbox, string faces, string review, string next);

    [LoggerMessage(101, LogLevel.Information, "Stopped after {Uptime}: {Sorted} sorted ({ToFaces} to faces, {ToReview} to review), {Failed} failed, {Waiting} waiting in the drop folder")]
    public static partial void Stopped(this ILogger logger, string uptime, int sorted, int toFaces, int toReview, int failed, int waiting);

    // Watching and settling: 1xxx (working files and sidecars 105x, writers FaceSorter cannot see 110x, names and network shares 115x)
    [LoggerMessage(1000, LogLevel.Information, "Watching {Inbox} (and its sub-folders) for finished downloads")]
    public static partial void WatchingInbox(this ILogger logger, string inbox);

    [LoggerMessage(1001, LogLevel.Warning, "File watcher on {Root} failed; rescanning everything")]
    public static partial void WatcherFailed(this ILogger logger, Exception exception, string root);

    [LoggerMessage(1002, LogLevel.Debug, "Scanned {Root}: {Count} files")]
    public static partial void Scanned(this ILogger logger, string root, int count);

    [LoggerMessage(1003, LogLevel.Debug, "{FilePath} settled ({Length} bytes)")]
    public static partial void Settled(this ILogger logger, string filePath, long length);

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

    [LoggerMessage(1100, LogLevel.Information, "The open-writer check sees every user's processes ({Reason}); inotify's close-after-write covers every writer too")]
    public static partial void WriterCheckSeesAll(this ILogger logger, string reason);

    [LoggerMessage(1101, LogLevel.Warning, "The open-writer check cannot see other users' processes ({Reason}): a file another user writes is taken only after inotify saw it closed, or, if its writer started before FaceSorter, after {BlindSettleTime} of quiet. Fix: {Fix}")]
    public static partial void WriterCheckBlind(this ILogger logger, string reason, TimeSpan blindSettleTime, string fix);

    [LoggerMessage(1104, LogLevel.Warning, "FaceSorter was started holding {FilePath} open for writing (a descriptor passed on by whatever started it); closed its copy, which would have kept the file waiting as one still being written")]
    public static partial void InheritedWriterClosed(this ILogger logger, string filePath);

    [LoggerMessage(1102, LogLevel.Warning, "inotify cannot watch {Folder} for writes ({Reason}); files there are judged by the open-writer check and the quiet period only")]
    public static partial void WriteActivityUnavailable(this ILogger logger, string folder, string reason);

    [LoggerMessage(1103, LogLevel.Warning, "inotify's queue overflowed: write activity in the drop folder is unknown until files change again (the longer quiet period applies where the open-writer check is blind)")]
    public static partial void WriteActivityOverflow(this ILogger logger);

    [LoggerMessage(8100, LogLevel.Warning, "The open-writer check cannot see processes outside FaceSorter's PID namespace ({Reason}): a file such a process writes is taken only after inotify saw it closed, or, if its writer started before FaceSorter, after {BlindSettleTime} of quiet. Fix: share the host's PID namespace (podman/docker run --pid host; compose: pid: host)")]
    public static partial void WriterCheckOwnPidNamespace(this ILogger logger, string reason, TimeSpan blindSettleTime);

    [LoggerMessage(1150, LogLevel.Warning, "{FilePath} is stored as {Destination}: its name with the review prefix or clash suffix would be longer than {NameMax} bytes, so the end of the name before the extension was cut")]
    public static partial void NameShortened(this ILogger logger, string filePath, string destination, int nameMax);

    [LoggerMessage(1151, LogLevel.Information, "{Folder} is on a {Filesystem} filesystem, where files written by another machine raise no file events: scanning it every {PollInterval} as well (FaceSorter:Watching = Auto)")]
    public static partial void PollingNetworkShare(this ILogger logger, string folder, string filesystem, TimeSpan pollInterval);

    [LoggerMessage(1152, LogLevel.Information, "FaceSorter:Watching = Poll: scanning {Folders} every {PollInterval}, without file events")]
    public static partial void PollingForced(this ILogger logger, string folders, TimeSpan pollInterval);

    // Pipeline: 2xxx (sidecars 207x, files changed after they were taken 209x)
    [LoggerMessage(2000, LogLevel.Information, "{FilePath} -> {Destination} ({Reason})")]
    public static partial void FileSorted(this ILogger logger, string filePath, string destination, string reason);

    [LoggerMessage(2001, LogLevel.Error, "{FilePath} stays in the drop folder: {Reason}")]
    public static partial void FileFailed(this ILogger logger, Exception? exception, string filePath, string reason);

    [LoggerMessage(2002, LogLevel.Debug, "{FilePath} changed while it was hashed; waiting for it to settle again")]
    public static partial void ChangedWhileHashing(this ILogger logger, string filePath);

    [LoggerMessage(2003, LogLevel.Warning, "Immich is unavailable ({Reason}); files wait in the drop folder and are retried")]
    public static partial void ImmichDown(this ILogger logger, string reason);

    [LoggerMessage(2004, LogLevel.Information, "Immich is available again after {Elapsed}; sorting resumes")]
    public static partial void ImmichBack(this ILogger logger, string elapsed);

    [LoggerMessage(2005, LogLevel.Information, "Pipeline drained: {Count} files finished while stopping")]
    public static partial void PipelineDrained(this ILogger logger, int count);

    [LoggerMessage(2006, LogLevel.Warning, "{FilePath} vanished before it could be sorted")]
    public static partial void FileVanished(this ILogger logger, string filePath);

    [LoggerMessage(2007, LogLevel.Information, "Recovered an interrupted move: {Source} -> {Destination} ({Outcome})")]
    public static partial void MoveRecovered(this ILogger logger, string source, string destination, string outcome);

    [LoggerMessage(2008, LogLevel.Debug, "{FilePath}: {Note}")]
    public static partial void FaceNote(this ILogger logger, string filePath, string note);

    [LoggerMessage(2009, LogLevel.Debug, "Cannot move across filesystems atomically: {Source} -> {Destination} is copied, synced, verified and then removed")]
    public static partial void CrossFilesystemMove(this ILogger logger, string source, string destination);

    [LoggerMessage(2070, LogLevel.Information, "{FilePath} -> {Destination} (sidecar of {Owner})")]
    public static partial void SidecarFollowed(this ILogger logger, string filePath, string destination, string owner);

    [LoggerMessage(2071, LogLevel.Error, "{FilePath} stays in the drop folder: {Reason}")]
    public static partial void SidecarFailed(this ILogger logger, Exception? exception, string filePath, string reason);

    [LoggerMessage(2090, LogLevel.Warning, "{FilePath} changed after it was taken ({Change}); its record at {Destination} is withdrawn and it goes back to the drop folder to be sorted again")]
    public static partial void ChangedAfterTaken(this ILogger logger, string filePath, string destination, string change);

    [LoggerMessage(2091, LogLevel.Information, "{Destination} is back in the drop folder as {FilePath}")]
    public static partial void ReturnedToDropFolder(this ILogger logger, string destination, string filePath);

    // Immich, Upload mode and the REST client: 30xx (approvals told to Immich 302x, media types 305x)
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

    [LoggerMessage(3020, LogLevel.Information, "Approval of {FilePath} as {Person} told to Immich: {Outcome}")]
    public static partial void ApprovalAssigned(this ILogger logger, string filePath, string person, string outcome);

    [LoggerMessage(3050, LogLevel.Debug, "Immich {Version} accepts these extensions: {Extensions}")]
    public static partial void MediaTypesRead(this ILogger logger, string version, string extensions);

    [LoggerMessage(3051, LogLevel.Warning, "Immich at {Url} ({Version}) does not list its media types; deciding by FaceSorter's built-in copy of v2.7.5's list")]
    public static partial void MediaTypesNotListed(this ILogger logger, string url, string version);

    [LoggerMessage(3052, LogLevel.Debug, "Not sending {FilePath} to Immich: {Reason}")]
    public static partial void NotSentToImmich(this ILogger logger, string filePath, string reason);

    // Immich, MachineLearning mode: 31xx (and 3053, the ML twin of 3052)
    [LoggerMessage(3053, LogLevel.Debug, "Not sending {FilePath} to the ML service: {Reason}")]
    public static partial void NotSentToMachineLearning(this ILogger logger, string filePath, string reason);

    [LoggerMessage(3101, LogLevel.Information, "Immich database layout {Layout} detected ({Found})")]
    public static partial void SchemaDetected(this ILogger logger, ImmichLayout layout, string found);

    [LoggerMessage(3102, LogLevel.Information, "Gallery loaded: {People} named people, {Faces} faces ({Learned} of them learned from approvals) in {Elapsed}")]
    public static partial void GalleryLoaded(this ILogger logger, int people, int faces, int learned, TimeSpan elapsed);

    [LoggerMessage(3103, LogLevel.Warning, "Gallery could not be loaded from Immich's database; retrying in {RetryIn}")]
    public static partial void GalleryLoadFailed(this ILogger logger, Exception exception, TimeSpan retryIn);

    [LoggerMessage(3104, LogLevel.Warning, "Gallery skipped {Count} faces: {Reason}")]
    public static partial void GalleryFacesSkipped(this ILogger logger, int count, string reason);

    [LoggerMessage(3105, LogLevel.Debug, "ML service found {Faces} faces in {FilePath} in {Elapsed}")]
    public static partial void Predicted(this ILogger logger, string filePath, int faces, TimeSpan elapsed);

    [LoggerMessage(3106, LogLevel.Debug, "ML service could not read {FilePath}: {Reason}")]
    public static partial void MachineLearningUnreadable(this ILogger logger, string filePath, string reason);

    [LoggerMessage(3107, LogLevel.Information, "Learned {Person}'s face from {FilePath}")]
    public static partial void FaceLearned(this ILogger logger, string person, string filePath);

    [LoggerMessage(3108, LogLevel.Information, "Nothing to learn from {FilePath} for {Person}: {Reason}")]
    public static partial void NothingToLearn(this ILogger logger, string filePath, string person, string reason);

    // Review: 5xxx (names FaceSorter cannot open 505x)
    [LoggerMessage(5001, LogLevel.Information, "Watching {Review} and {Faces} for review decisions, each with its own watcher: a move between them shows as a delete and a create, and approvals are matched by content")]
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

    // Data that can move (issue 12, part 4): 8150-8199
    [LoggerMessage(8151, LogLevel.Warning, "{FilePath} is in no person's folder and no review category, so it is no decision: review item {ReviewId} stays pending. Move it into faces/<person>/ to approve it, back into its review folder to keep it, or delete it to reject it")]
    public static partial void ReviewFileAstray(this ILogger logger, string filePath, long reviewId);

    [LoggerMessage(8150, LogLevel.Warning, "Review files in {Folder} are gone, but not as a rejection: {Reason}. Their items stay pending; they are looked at again after each full scan")]
    public static partial void ReviewFolderNotThere(this ILogger logger, string folder, string reason);

    [LoggerMessage(5013, LogLevel.Warning, "{FilePath} is in a folder whose name cannot be a person ({Folder}); left alone")]
    public static partial void UnusablePersonFolder(this ILogger logger, string filePath, string folder);

    [LoggerMessage(5014, LogLevel.Debug, "{OldPath} -> {FilePath}: renamed within {Person}")]
    public static partial void FaceRenamed(this ILogger logger, string oldPath, string filePath, string person);

    [LoggerMessage(5015, LogLevel.Error, "Review decision for {FilePath} failed; trying again at a scan in {Retry}")]
    public static partial void ReviewDecisionFailed(this ILogger logger, Exception exception, string filePath, string retry);

    [LoggerMessage(5016, LogLevel.Information, "Second look: {FilePath} now matches {Person} ({Detail}); suggested for review item {ReviewId}")]
    public static partial void SecondLookMatched(this ILogger logger, string filePath, string person, string detail, long reviewId);

    [LoggerMessage(5017, LogLevel.Information, "Second look over {Count} review items: {Suggested} new suggestions")]
    public static partial void SecondLookDone(this ILogger logger, int count, int suggested);

    [LoggerMessage(5018, LogLevel.Warning, "{What} paused: {Reason}; trying again later")]
    public static partial void FollowUpPaused(this ILogger logger, string what, string reason);

    [LoggerMessage(5019, LogLevel.Error, "{What} failed; trying again in {RetryIn}")]
    public static partial void FollowUpFailed(this ILogger logger, Exception exception, string what, TimeSpan retryIn);

    [LoggerMessage(5050, LogLevel.Warning, "{FilePath} is left alone: its name is not valid UTF-8, which FaceSorter cannot open; rename it to UTF-8 to have it reviewed")]
    public static partial void ReviewNameUndecodable(this ILogger logger, string filePath);

    // Web and notifications: 6xxx (token 600x, notifications 605x, thumbnails 61xx)
    [LoggerMessage(6001, LogLevel.Warning, "Refused a request from {RemoteAddress} to {RequestPath}: it carried {Presented}")]
    public static partial void WebRequestRefused(this ILogger logger, string remoteAddress, string requestPath, string presented);

    [LoggerMessage(6002, LogLevel.Warning, "Refused {Method} {RequestPath} from {RemoteAddress}: {Reason}")]
    public static partial void WebRequestCrossSite(this ILogger logger, string method, string requestPath, string remoteAddress, string reason);

    [LoggerMessage(6050, LogLevel.Debug, "Notification sent: {Message}")]
    public static partial void NotificationSent(this ILogger logger, string message);

    [LoggerMessage(6051, LogLevel.Warning, "Notification to {NotifyUrl} failed; it is kept for the next try")]
    public static partial void NotificationFailed(this ILogger logger, Exception exception, string notifyUrl);

    [LoggerMessage(6100, LogLevel.Warning, "No thumbnail for {FilePath}: {Reason}")]
    public static partial void ThumbnailFailed(this ILogger logger, string filePath, string reason);

    [LoggerMessage(6101, LogLevel.Debug, "Thumbnail of {FilePath} failed")]
    public static partial void ThumbnailFailedDetail(this ILogger logger, Exception exception, string filePath);

    // Configuration safety: 7xxx
    [LoggerMessage(7000, LogLevel.Warning, "{ConfigPath} holds {Keys} and is readable by every user on this machine (mode {Mode}). Fix: chmod 640 {ConfigPath} (group of the service), or move the secret to a file: {FileKeys}")]
    public static partial void SecretReadableByOthers(this ILogger logger, string configPath, string keys, string mode, string fileKeys);

    // Gallery refresh (issue 13): 8200-8249
    [LoggerMessage(8200, LogLevel.Debug, "Gallery unchanged in Immich's database: kept {Faces} faces (checked in {Elapsed})")]
    public static partial void GalleryUnchanged(this ILogger logger, int faces, TimeSpan elapsed);

    // Gallery load and refresh (issue 13, goal 5): 8570-8589
    [LoggerMessage(8570, LogLevel.Debug, "Gallery: {Faces} faces listed in Immich's database, {Read} embeddings read (new or rewritten), {Removed} faces gone, in {Elapsed}")]
    public static partial void GalleryChangesRead(this ILogger logger, int faces, int read, int removed, TimeSpan elapsed);

    [LoggerMessage(8571, LogLevel.Information, "Gallery: reading every face again because {Reason}")]
    public static partial void GalleryReadWhole(this ILogger logger, string reason);

    [LoggerMessage(8572, LogLevel.Information, "Gallery copy on disk read: {Faces} faces from {Path} in {Elapsed}; it is used only after it is brought up to date from Immich's database")]
    public static partial void GalleryCopyRead(this ILogger logger, int faces, string path, TimeSpan elapsed);

    [LoggerMessage(8573, LogLevel.Information, "Gallery copy on disk {Path} not used: {Reason}; reading every face from Immich's database")]
    public static partial void GalleryCopyNotUsed(this ILogger logger, string path, string reason);

    [LoggerMessage(8574, LogLevel.Debug, "Gallery copy on disk written: {Faces} faces to {Path} in {Elapsed}")]
    public static partial void GalleryCopyWritten(this ILogger logger, int faces, string path, TimeSpan elapsed);

    [LoggerMessage(8575, LogLevel.Warning, "Gallery copy on disk {Path} could not be written; the next start reads every face from Immich's database")]
    public static partial void GalleryCopyNotWritten(this ILogger logger, Exception exception, string path);

    // Speed (issue 13): 835x
    [LoggerMessage(8350, LogLevel.Debug, "Drop-folder round began {RoundStart:HH:mm:ss.fff}: {Paths} paths from events, rescan {Rescan}, {Tracked} files settling, next due {NextDue:HH:mm:ss.fff}")]
    public static partial void DropFolderRound(this ILogger logger, DateTimeOffset roundStart, int paths, bool rescan, int tracked, DateTimeOffset? nextDue);

    // Idle latency (issue 13): 8620–8649
    [LoggerMessage(8620, LogLevel.Debug, "Writer check looked ahead for {Count} files due within {Lead}: their opens are watched from now on")]
    public static partial void WriterLookahead(this ILogger logger, int count, TimeSpan lead);

    // Near duplicates: 8300–8349
    [LoggerMessage(8300, LogLevel.Information, "Near-duplicate index ready: {Count} fingerprints in {Milliseconds} ms")]
    public static partial void FingerprintIndexBuilt(this ILogger logger, int count, long milliseconds);

    [LoggerMessage(8304, LogLevel.Information, "Near-duplicate check is off (NearDuplicateMaxDistance 0): {Count} fingerprints kept for when it is switched on, loaded in {Milliseconds} ms")]
    public static partial void FingerprintIndexBuiltCheckOff(this ILogger logger, int count, long milliseconds);

    [LoggerMessage(8301, LogLevel.Debug, "{Path} has no perceptual fingerprint: it is one colour, or nearly (the standard deviation of its 32×32 grey values, 0–255, is under {MinContrast}), so the near-duplicate rule does not apply to it")]
    public static partial void NoFingerprint(this ILogger logger, string path, double minContrast);

    [LoggerMessage(8302, LogLevel.Information, "Fingerprinted {KnownPictures} that had none (added by hand, or sorted before fingerprints were kept)")]
    public static partial void FingerprintsBackfilled(this ILogger logger, string knownPictures);

    [LoggerMessage(8303, LogLevel.Warning, "Fingerprinting known pictures stopped: {Reason}. It is tried again at the next rescan")]
    public static partial void FingerprintBackfillFailed(this ILogger logger, string reason);

    // One decode per file, claims of files deleted while stopped (issue 14): 8650–8679
    [LoggerMessage(8650, LogLevel.Warning, "{Path}: its review thumbnail could not be kept ({Reason}); the review page makes it from the file when asked")]
    public static partial void ReviewThumbnailNotKept(this ILogger logger, string path, string reason);

    [LoggerMessage(8651, LogLevel.Debug, "Removed {Count} review thumbnails of files no longer in review")]
    public static partial void ReviewThumbnailsSwept(this ILogger logger, int count);

    [LoggerMessage(8652, LogLevel.Information, "{Path} was deleted while FaceSorter was stopped, before it was sorted: its content is no longer claimed, so a later copy is not called a duplicate of it")]
    public static partial void StaleClaimReleased(this ILogger logger, string path);

    // Every review item followable, and what waits in the drop folder (issue 12 trial): 8500-8549
    [LoggerMessage(8500, LogLevel.Information, "{FilePath}: recorded the content hash of review item {ReviewId}, so a move or rename in a file manager is followed")]
    public static partial void ReviewHashRecorded(this ILogger logger, string filePath, long reviewId);

    // Store: 4xxx
    [LoggerMessage(4000, LogLevel.Information, "Store ready: {Provider} at {Location} (schema version {Version})")]
    public static partial void StoreReady(this ILogger logger, string provider, string location, int version);

    // Memory with a big backlog (issue 13, goal 3): 8400-8449
    [LoggerMessage(8400, LogLevel.Debug, "Scanned {Root} up to {Count} files: {Capacity} are being settled; the rest waits on disk for the next scan")]
    public static partial void ScanCutShort(this ILogger logger, string root, int count, int capacity);

    // Burst throughput (issue 13, goal 2): 8590-8619
    [LoggerMessage(8590, LogLevel.Error, "{Count} files were moved but their records could not be written ({Reason}); they are recorded from the move journal at the next start, and sorting goes on")]
    public static partial void MovesNotRecorded(this ILogger logger, Exception exception, int count, string reason);

    // Bad input from a new-user trial (issue 14): 8720-8729
    [LoggerMessage(8720, LogLevel.Warning, "{FilePath} is empty (0 bytes) and stays in the drop folder: it may be a browser's download placeholder. The daemon calls it invalid once it has stayed empty for EmptyFileTimeout ({EmptyFileTimeout})")]
    public static partial void EmptyFileLeftByScan(this ILogger logger, string filePath, TimeSpan emptyFileTimeout);

    [LoggerMessage(8721, LogLevel.Warning, "{FilePath}: {Reason}. It gets no perceptual fingerprint and is sorted on like any other file")]
    public static partial void PictureNotDecoded(this ILogger logger, string filePath, string reason);

    [LoggerMessage(8722, LogLevel.Debug, "libvips ({Domain}, {Level}): {Message}")]
    public static partial void LibvipsMessage(this ILogger logger, string domain, string level, string message);

    // Broken pictures reach the log (issue 14, new-user trial): 8780-8789
    [LoggerMessage(8780, LogLevel.Warning, "{FilePath} cannot be decoded: {Reason}. It is sorted on without a perceptual fingerprint (no near-duplicate check); Immich decides where it goes")]
    public static partial void PictureBroken(this ILogger logger, string filePath, string reason);

    [LoggerMessage(8781, LogLevel.Debug, "{FilePath} has no perceptual fingerprint: libvips does not know its format (a video, or a RAW or HEIC file without its decoder, say). It is sorted on; Immich decides where it goes")]
    public static partial void PictureFormatUnknown(this ILogger logger, string filePath);

    [LoggerMessage(8782, LogLevel.Warning, "{FilePath} stays in the drop folder and waits for Immich: {Reason}")]
    public static partial void FileWaitsForImmich(this ILogger logger, string filePath, string reason);

    [LoggerMessage(8790, LogLevel.Warning, "The watcher on {Root} stopped reporting changes (its inotify descriptor was closed without an error: a folder moved out of it followed at once by another change, docs/linux-facts.md, \"A watcher that dies silently\"); watching it again and scanning")]
    public static partial void WatcherStoppedSilently(this ILogger logger, string root);

    [LoggerMessage(8791, LogLevel.Warning, "Immich is still unavailable, now for another reason: {Reason}")]
    public static partial void ImmichStillDown(this ILogger logger, string reason);

    [LoggerMessage(8792, LogLevel.Warning, "{Key} is not a FaceSorter setting and is ignored{Meant}")]
    public static partial void UnknownSetting(this ILogger logger, string key, string meant);

    // Files set aside for Immich during an outage (issue 13: duplicates and files that need no Immich are not held up by it): 8793-8795
    [LoggerMessage(8793, LogLevel.Information, "Immich is unavailable and the files waiting for it fill the pipeline ({Queued} queued, beside those its workers hold): the next files that need Immich wait in the drop folder, held, until it answers (up to {Remembered} remembered, the rest found again by a scan then); duplicates and files that need no Immich are sorted meanwhile")]
    public static partial void FilesWaitForImmichInDropFolder(this ILogger logger, int queued, int remembered);

    [LoggerMessage(8794, LogLevel.Debug, "{FilePath} waits in the drop folder until Immich answers (remembered: {Remembered})")]
    public static partial void FileWaitsForImmichInDropFolder(this ILogger logger, string filePath, bool remembered);

    [LoggerMessage(8795, LogLevel.Information, "Immich answers again: the files that waited for it in the drop folder ({Count} remembered) are looked at again")]
    public static partial void FilesWaitingForImmichReleased(this ILogger logger, int count);

    // A full disk or store is not the file's fault (new-user trial, issue 13): 8796-8799
    [LoggerMessage(8796, LogLevel.Warning, "{FilePath} stays in the drop folder for now: {Reason}. The disk or the store is full, not the file at fault: free space there; the file is tried again by itself as soon as a move succeeds, and at the latest every {MaxRetry}")]
    public static partial void FileWaitsForSpace(this ILogger logger, string filePath, string reason, string maxRetry);

    [LoggerMessage(8797, LogLevel.Debug, "{FilePath} still waits for disk space: {Reason}")]
    public static partial void FileStillWaitsForSpace(this ILogger logger, string filePath, string reason);

    [LoggerMessage(8798, LogLevel.Information, "{Files} that waited in the drop folder for disk space or a busy store tried again ({Why})")]
    public static partial void FilesWaitingForSpaceReleased(this ILogger logger, string files, string why);

    [LoggerMessage(8799, LogLevel.Critical, "Not starting: the disk is full at {Path} ({Available} bytes free): {Reason}. Free space there (or move FaceSorter's data elsewhere) and start again")]
    public static partial void DiskFullAtStart(this ILogger logger, string path, long available, string reason);

    // Config shapes and the CLI's refusals and messages (issue 13, new-user trial): 8800-8804
    [LoggerMessage(8800, LogLevel.Warning, "Moves from {SourceFolder} to {DestinationFolder} cross filesystems: each file is copied, synced, verified and then removed, which is slower than a rename and needs room for both copies meanwhile. Said once per pair of filesystems; each file is logged at Debug. For renames instead, keep the drop folder, faces and review on one filesystem")]
    public static partial void CrossFilesystemMoves(this ILogger logger, string sourceFolder, string destinationFolder);

    [LoggerMessage(8801, LogLevel.Warning, "Review decision for {FilePath} not recorded yet: {Reason}. The disk or the store is full: free space there; tried again at a scan in {Retry}")]
    public static partial void ReviewDecisionWaitsForSpace(this ILogger logger, string filePath, string reason, string retry);

    [LoggerMessage(8802, LogLevel.Warning, "{FilePath} stays in the drop folder for now: {Reason}. The store is busy (another program holds a write lock) or out of reach, not the file at fault; the file is tried again by itself as soon as a move succeeds, and at the latest every {MaxRetry}")]
    public static partial void FileWaitsForStore(this ILogger logger, string filePath, string reason, string maxRetry);

    [LoggerMessage(8803, LogLevel.Debug, "Review decision for {FilePath} still not recorded: {Reason}; tried again at a scan in {Retry}")]
    public static partial void ReviewDecisionStillNotRecorded(this ILogger logger, string filePath, string reason, string retry);

    // Review files moved back into the drop folder, files replaced between hash and move (new-user trial): 8805-8806
    [LoggerMessage(8805, LogLevel.Information, "{FilePath} is the file of review item {ReviewId} ({OldPath}), returned to the drop folder: the item is withdrawn, no rejection, and the file is sorted again")]
    public static partial void ReviewFileReturned(this ILogger logger, string filePath, long reviewId, string oldPath);

    [LoggerMessage(8806, LogLevel.Information, "{FilePath} changed after it was hashed, though its size and modification time are as they were (rewritten with its time put back, or replaced by a rename): not moved; it is hashed again once it settles")]
    public static partial void ChangedBeforeMove(this ILogger logger, string filePath);

    // Review actions the filesystem refused (new-user trial): 8804, 8807-8808
    [LoggerMessage(8804, LogLevel.Warning, "{FilePath} not approved as {Person} by {ReviewedBy}: {Reason}. It stays in review/ (review item {ReviewId}, still pending)")]
    public static partial void ApprovalNotMoved(this ILogger logger, string filePath, string person, string reviewedBy, string reason, long reviewId);

    [LoggerMessage(8807, LogLevel.Warning, "{FilePath} is rejected (review item {ReviewId}) but could not be deleted: {Reason}. Delete it yourself, or reject it again once the folder allows it")]
    public static partial void RejectedFileNotDeleted(this ILogger logger, string filePath, string reason, long reviewId);

    [LoggerMessage(8808, LogLevel.Information, "{FilePath} deleted by {ReviewedBy}: it was rejected earlier (review item {ReviewId}) and the delete had been refused")]
    public static partial void RejectedFileDeletedLater(this ILogger logger, string filePath, string reviewedBy, long reviewId);

    // A destination that refuses a move is not the file's fault (new-user trial): 8809-8811
    [LoggerMessage(8809, LogLevel.Warning, "{FilePath} stays in the drop folder for now: {Reason}. Its destination refused the move, not the file at fault: make the folder writable, or move away what stands in its place; the file is tried again by itself, at the latest every {MaxRetry}")]
    public static partial void FileWaitsForDestination(this ILogger logger, string filePath, string reason, string maxRetry);

    [LoggerMessage(8810, LogLevel.Debug, "{FilePath} still waits for its destination: {Reason}")]
    public static partial void FileStillWaitsForDestination(this ILogger logger, string filePath, string reason);

    // A drop-folder file FaceSorter may not read is the permissions' fault, not the file's (new-user trial): 8812
    [LoggerMessage(8812, LogLevel.Warning, "{FilePath} stays in the drop folder: {Reason}")]
    public static partial void FileUnreadable(this ILogger logger, string filePath, string reason);

    [LoggerMessage(8811, LogLevel.Information, "{Files} whose destination refused the move tried again (after {Delay})")]
    public static partial void FilesWaitingForDestinationReleased(this ILogger logger, string files, string delay);
}
