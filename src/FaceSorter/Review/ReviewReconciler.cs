using FaceSorter.Decisions;
using FaceSorter.Hashing;
using FaceSorter.Moving;
using FaceSorter.NearDuplicates;
using FaceSorter.Options;
using FaceSorter.Pipeline;
using FaceSorter.Storage;
using FaceSorter.Watching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Review;

/// <summary>
/// Turns what is on disk under faces/ and review/ into review records. Watcher events only say which paths
/// to look at; the decision comes from the file's presence, its SHA-256 and the records
/// (docs/linux-facts.md, "Events are hints, scans are the truth" to "Classify by where a file is"), so a
/// rename, a cross-filesystem copy-then-delete and the mkdir race (a <c>Deleted</c> with no <c>Created</c>)
/// all end the same way:
/// <list type="bullet">
/// <item>content of a pending row appears under <c>faces/&lt;person&gt;/</c> and the row's file is gone → approval;</item>
/// <item>it appears elsewhere in review/ → the row follows it (category, name);</item>
/// <item>a recorded faces file appears under another person → correction; back in review/ → un-approved;</item>
/// <item>unknown content appears in faces/ and stays quiet → manual addition;</item>
/// <item>a pending row's file is gone → <see cref="MissingItem"/>, settled by the monitor after the grace: a
/// rejection only when its folder is plainly there (see <see cref="WhyNotARejection"/>).</item>
/// </list>
/// Not thread-safe: the monitor's single loop owns it. The store decides "exactly once"
/// (<c>ApproveAsync</c> and <c>RejectAsync</c> only change pending rows).
/// </summary>
public sealed class ReviewReconciler(IReviewQueue store, IDownloadRecords downloadRecords, IMoveJournal journal, Hasher hasher, OwnMoves ownMoves, ReviewTree tree, TimeProvider clock, IOptions<ReviewOptions> review, ILogger<ReviewReconciler> logger,
    ReturnedReviewFiles? returned = null, FingerprintRequests? fingerprints = null)
{
    public const string ReviewedBy = "file-manager";

    /// <summary>A file written this recently may still be growing (a cross-filesystem move copies, docs/linux-facts.md, "What the watcher reports").</summary>
    private static readonly TimeSpan RecentWrite = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StableCheck = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan UnderwayCheck = TimeSpan.FromSeconds(1);

    /// <summary>Smaller files are hashed at once even when just written: a hash that matches a record proves the copy complete.</summary>
    private const long HashAtOnceBelow = 4 * 1024 * 1024;
    private readonly Dictionary<string, (long Length, DateTime LastWriteUtc, DateTimeOffset Since)> _unsettled = new(StringComparer.Ordinal);
    private readonly Dictionary<long, MissingItem> _missing = [];
    private readonly Dictionary<string, (ulong Device, ulong Inode)?> _folders = new(StringComparer.Ordinal); // review folder → its identity when a file was last seen in it
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal); // "folder\nreason" already logged
    private readonly Dictionary<string, (ulong Device, ulong Inode)> _identities = new(StringComparer.Ordinal); // a pending row's file → its device and inode when last seen

    /// <summary>How long a pending row's file must stay gone (and a full scan begun after it went) before it is a rejection.</summary>
    private readonly TimeSpan _grace = review.Value.RejectGrace;

    /// <summary>How long unmatched content must stay unchanged before it is a manual addition: the grace, at least 1 s.</summary>
    private readonly TimeSpan _quiet = review.Value.RejectGrace < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : review.Value.RejectGrace;

    /// <summary>Counts the full scans begun (<see cref="BeginScan"/>); a missing item remembers the count it went missing in.</summary>
    private long _scanGeneration;

    public FileIndex Index { get; } = new();

    /// <summary>True when an item went missing since the last full scan began, so no scan has yet confirmed it gone.</summary>
    public bool AnyMissingAwaitsScan => _missing.Values.Any(item => item.ScanGeneration >= _scanGeneration);

    /// <summary>The monitor calls this as it begins every full scan.</summary>
    public void BeginScan() => _scanGeneration++;

    /// <summary>Start-up: index the files the records account for; pending rows whose file is gone are missing.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var pending = await store.ListReviewAsync(null, ReviewAction.Pending, cancellationToken);
        foreach (var row in pending)
        {
            if (Stat(row.FilePath) is { } info)
            {
                var hash = row.FileHash ?? await RecordHashAsync(row, info, cancellationToken);
                Index.Set(row.FilePath, new IndexedFile(info.Length, info.LastWriteTimeUtc, hash, Recorded: true));
                RememberIdentity(row.FilePath);
                SeenIn(row.FilePath, once: true);
            }
            else
            {
                Miss(new MissingItem(row.Id, row.FilePath, row.FileHash, clock.GetUtcNow(), _scanGeneration));
            }
        }

        var faces = 0;
        foreach (var download in await downloadRecords.ListDownloadsAsync(null, cancellationToken))
        {
            if (Stat(download.FilePath) is { } info && tree.Classify(download.FilePath).Kind == PlaceKind.Faces)
            {
                Index.Set(download.FilePath, new IndexedFile(info.Length, info.LastWriteTimeUtc, download.FileHash, Recorded: true));
                faces++;
            }
        }

        logger.ReviewReconciled(pending.Count, _missing.Count, faces);
    }

    /// <summary>Looks at a file that exists. Returns when to look again, or null when it is accounted for.</summary>
    public async Task<DateTimeOffset?> ArriveAsync(string path, CancellationToken cancellationToken)
    {
        var place = tree.Classify(path);
        if (place.Kind == PlaceKind.Outside || Stat(path) is not { } info)
        {
            return null;
        }

        if (Settling.Sidecars.IsSidecar(Path.GetFileName(path)))
        {
            return null; // a sidecar beside its picture (SidecarRouter) is neither a review item nor a manual addition
        }

        var (length, lastWrite) = (info.Length, info.LastWriteTimeUtc);
        if (Index.TryGet(path, out var known) && known.Length == length && known.LastWriteUtc == lastWrite)
        {
            return null;
        }

        if (place.Kind == PlaceKind.Review)
        {
            SeenIn(path, once: false);
        }

        if (ownMoves.IsOwn(path))
        {
            Index.Set(path, new IndexedFile(length, lastWrite, null, Recorded: true)); // the pipeline records it
            RememberIdentity(path);
            return null;
        }

        if (await journal.IsMoveUnderwayAsync(path, cancellationToken))
        {
            return clock.GetUtcNow() + UnderwayCheck; // a journalled move (the CLI's approval) records it: look once it is done
        }

        if (place.Kind == PlaceKind.Review && await store.FindReviewByPathAsync(path, cancellationToken) is { Action: ReviewAction.Pending } row)
        {
            Found(row.Id);
            var rowHash = row.FileHash ?? await RecordHashAsync(row, info, cancellationToken);
            Index.Set(path, new IndexedFile(length, lastWrite, rowHash, Recorded: true));
            RememberIdentity(path);
            return null;
        }

        var now = clock.GetUtcNow();
        var seen = _unsettled.TryGetValue(path, out var before) && before.Length == length && before.LastWriteUtc == lastWrite;
        var since = _unsettled.ContainsKey(path) ? before.Since : now;
        if (!seen && length > HashAtOnceBelow && now - new DateTimeOffset(lastWrite) < RecentWrite)
        {
            _unsettled[path] = (length, lastWrite, since);
            return now + StableCheck;
        }

        var hash = await hasher.HashAsync(path, length, lastWrite, cancellationToken);
        if (hash is null)
        {
            _unsettled[path] = (length, lastWrite, since); // changed while hashed: still being written
            return now + StableCheck;
        }

        var recorded = place.Kind == PlaceKind.Faces
            ? await ArriveInFacesAsync(path, place.Folder!, hash, cancellationToken)
            : await ArriveInReviewAsync(path, place.Folder!, hash, cancellationToken);
        if (recorded is null && now - since < _quiet)
        {
            // Matches nothing yet: maybe a partial copy, maybe the user's own file. Decide when quiet.
            _unsettled[path] = (length, lastWrite, since);
            return since + _quiet;
        }

        _unsettled.Remove(path);
        if (recorded is null)
        {
            recorded = await ArriveUnmatchedAsync(path, place, hash, cancellationToken);
        }

        Index.Set(path, new IndexedFile(length, lastWrite, hash, recorded.Value));
        return null;
    }

    /// <summary>A path that no longer exists (a file, or a directory moved or removed as a whole).</summary>
    public async Task DepartAsync(string path, CancellationToken cancellationToken)
    {
        _unsettled.Remove(path);
        if (!Index.Remove(path))
        {
            foreach (var below in Index.PathsUnder(path))
            {
                Index.Remove(below);
                await DepartFileAsync(below, cancellationToken);
            }
        }

        await DepartFileAsync(path, cancellationToken);
    }

    /// <summary>
    /// Settles missing rows: moved to an unrecorded copy → approval or category move at once; gone
    /// everywhere for <c>RejectGrace</c> and through a full scan → rejection (only when
    /// <paramref name="mayReject"/>). Returns the earliest time one is due, or null when none is left.
    /// </summary>
    public async Task<DateTimeOffset?> SettleMissingAsync(bool mayReject, CancellationToken cancellationToken)
    {
        DateTimeOffset? next = null;
        foreach (var item in _missing.Values.ToList())
        {
            if (await FollowCopyAsync(item, cancellationToken))
            {
                continue;
            }

            if (item.KeptAtScan == _scanGeneration)
            {
                continue; // its folder was not there at this scan: looked at again after the next one
            }

            var due = item.Since + _grace;
            if (due > clock.GetUtcNow() || item.ScanGeneration >= _scanGeneration || !mayReject)
            {
                next = next is null || due < next ? due : next;
                continue;
            }

            if (await journal.IsMoveUnderwayAsync(item.FilePath, cancellationToken))
            {
                // Moved by a journalled approval not recorded yet (or interrupted: start-up recovery decides).
                var again = clock.GetUtcNow() + UnderwayCheck;
                next = next is null || again < next ? again : next;
                continue;
            }

            try
            {
                Found(item.ReviewId);
                var row = await store.GetReviewItemAsync(item.ReviewId, cancellationToken);
                if (row is not { Action: ReviewAction.Pending } || File.Exists(row.FilePath))
                {
                    continue;
                }

                var folder = Path.GetDirectoryName(row.FilePath) ?? row.FilePath;
                if (WhyNotARejection(item, row.FilePath, folder) is { } reason)
                {
                    Miss(item with { KeptAtScan = _scanGeneration });
                    if (_reported.Add(folder + "\n" + reason))
                    {
                        logger.ReviewFolderNotThere(folder, reason);
                    }

                    continue;
                }

                _reported.RemoveWhere(key => key.StartsWith(folder + "\n", StringComparison.Ordinal)); // there again: a next absence is logged again
                if (await AstrayAsync(row, cancellationToken) is { } astray)
                {
                    Miss(item with { KeptAtScan = _scanGeneration });
                    if (_reported.Add(astray + "\nastray"))
                    {
                        logger.ReviewFileAstray(astray, row.Id);
                    }

                    continue;
                }

                if (returned is not null && row.FileHash is { } hash && await returned.TakeBackWaitingAsync(row.Id, row.FilePath, hash, cancellationToken))
                {
                    continue; // moved back into the drop folder, not yet sorted again there
                }

                if (await store.RejectAsync(row.Id, ReviewedBy, cancellationToken))
                {
                    logger.ReviewRejected(row.FilePath, ReviewedBy, row.Id);
                }
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                Miss(item); // not decided: still missing, as it was (the monitor tries again soon)
                throw;
            }
        }

        return next;
    }

    /// <summary>
    /// Where a pending item's file went when a file with its content sits directly in <c>faces/</c> or
    /// <c>review/</c>, under any name: in no person's folder and no category, which is no decision. Dropped
    /// one level short of <c>faces/&lt;person&gt;/</c> in a file manager (and renamed on the way), it was a
    /// rejection (helper-66's and helper-68's trials). Only the two roots' own files are looked at, its own
    /// name first: the roots hold folders, and seldom a file.
    /// </summary>
    private async Task<string?> AstrayAsync(ReviewItem row, CancellationToken cancellationToken)
    {
        if (row.FileHash is not { } hash)
        {
            return null;
        }

        var name = Path.GetFileName(row.FilePath);
        foreach (var root in new[] { tree.Faces, tree.Review })
        {
            var folder = new DirectoryInfo(root);
            var files = folder.Exists
                ? folder.EnumerateFiles("*", new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden })
                    .OrderBy(file => file.Name == name ? 0 : 1)
                    .ToList()
                : [];
            foreach (var file in files)
            {
                if (await hasher.HoldsAsync(file.FullName, hash, cancellationToken))
                {
                    return file.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>A pending row's file is gone: the drop folder is told too, where the user may have moved it back (<see cref="ReturnedReviewFiles"/>).</summary>
    private void Miss(MissingItem item)
    {
        _missing[item.ReviewId] = item;
        returned?.Missing(item.ReviewId, item.FileHash);
    }

    private void Found(long reviewId)
    {
        _missing.Remove(reviewId);
        returned?.Found(reviewId);
    }

    private async Task DepartFileAsync(string path, CancellationToken cancellationToken)
    {
        if (tree.Classify(path).Kind != PlaceKind.Review
            || await store.FindReviewByPathAsync(path, cancellationToken) is not { Action: ReviewAction.Pending } row
            || _missing.ContainsKey(row.Id))
        {
            return;
        }

        var seenIn = _folders.GetValueOrDefault(Path.GetDirectoryName(row.FilePath) ?? "");
        var item = new MissingItem(row.Id, row.FilePath, row.FileHash, clock.GetUtcNow(), _scanGeneration, seenIn);
        if (!await FollowCopyAsync(item, cancellationToken))
        {
            Miss(item);
        }
    }

    /// <summary>The missing row's content already arrived somewhere (before its source was removed): follow it.</summary>
    private async Task<bool> FollowCopyAsync(MissingItem item, CancellationToken cancellationToken)
    {
        if (item.FileHash is not { } hash)
        {
            return false;
        }

        var copies = Index.UnrecordedCopies(hash).Where(File.Exists).ToList();
        var target = copies.FirstOrDefault(path => tree.Classify(path).Kind == PlaceKind.Faces) ?? copies.FirstOrDefault();
        if (target is null || !Index.TryGet(target, out var entry))
        {
            return false;
        }

        Found(item.ReviewId);
        var place = tree.Classify(target);
        if (place.Kind == PlaceKind.Faces && PersonName.Sanitize(place.Folder) is { } person)
        {
            await ApproveAsync(item.ReviewId, item.FilePath, target, person, cancellationToken);
        }
        else
        {
            await store.MoveReviewAsync(item.ReviewId, target, place.Folder!, cancellationToken);
            logger.ReviewMoved(item.FilePath, target, item.ReviewId, place.Folder!);
        }

        Index.Set(target, entry with { Recorded = true });
        return true;
    }

    /// <summary>True when recorded, false when indexed without a record, null when nothing matched.</summary>
    private async Task<bool?> ArriveInFacesAsync(string path, string folder, string hash, CancellationToken cancellationToken)
    {
        if (PersonName.Sanitize(folder) is not { } person)
        {
            logger.UnusablePersonFolder(path, folder);
            return false;
        }

        // The file's own record first, by its path: a pending row, an approval or a download there.
        var rows = await store.FindReviewByHashAsync(hash, cancellationToken);
        var pending = rows.Where(row => row.Action == ReviewAction.Pending).ToList();
        if (pending.FirstOrDefault(row => row.FilePath == path) is { } here)
        {
            await ApproveAsync(here.Id, here.FilePath, path, person, cancellationToken);
            return true;
        }

        if (rows.Any(row => row.Action == ReviewAction.Approved && row.FilePath == path))
        {
            return true; // approved by the CLI or the web page, which moved it here
        }

        var downloads = await downloadRecords.ListDownloadsAsync(hash, cancellationToken);
        if (downloads.Any(download => download.FilePath == path))
        {
            return true;
        }

        // Then by content, among the records whose file is gone (docs/contracts.md, "Following a file by
        // its content"): an exact duplicate still waiting in review has the same hash, but it is another file.
        var gone = pending.Where(row => !File.Exists(row.FilePath)).ToList();
        if (SameFile(gone, path) is { } renamed)
        {
            await ApproveAsync(renamed.Id, renamed.FilePath, path, person, cancellationToken);
            return true;
        }

        if (downloads.FirstOrDefault(download => tree.Classify(download.FilePath).Kind == PlaceKind.Faces && !File.Exists(download.FilePath)) is { } moved)
        {
            await downloadRecords.MoveDownloadAsync(moved.Id, path, person, cancellationToken);
            Index.Remove(moved.FilePath);
            if (string.Equals(moved.PersonName, person, StringComparison.Ordinal))
            {
                logger.FaceRenamed(moved.FilePath, path, person);
            }
            else
            {
                logger.FaceCorrected(moved.FilePath, path, moved.PersonName, person);
            }

            return true;
        }

        if (gone.FirstOrDefault() is { } copied)
        {
            await ApproveAsync(copied.Id, copied.FilePath, path, person, cancellationToken); // copied across filesystems: a new inode
            return true;
        }

        if (pending.Count > 0)
        {
            return false; // a copy while the review file is still there: decided when that one goes
        }

        return null;
    }

    private async Task<bool?> ArriveInReviewAsync(string path, string category, string hash, CancellationToken cancellationToken)
    {
        // By content, among the records whose file is gone (docs/contracts.md, "Following a file by its
        // content"): the same file first, then a download that left faces/, then a copy of a review file.
        var rows = await store.FindReviewByHashAsync(hash, cancellationToken);
        var pending = rows.Where(row => row.Action == ReviewAction.Pending).ToList();
        var gone = pending.Where(row => !File.Exists(row.FilePath)).ToList();
        if (SameFile(gone, path) is { } renamed)
        {
            await FollowReviewAsync(renamed, path, category, cancellationToken);
            return true;
        }

        var downloads = await downloadRecords.ListDownloadsAsync(hash, cancellationToken);
        if (downloads.FirstOrDefault(download => tree.Classify(download.FilePath).Kind == PlaceKind.Faces && !File.Exists(download.FilePath)) is { } returned)
        {
            await downloadRecords.ReturnToReviewAsync(returned.Id, path, category, cancellationToken);
            Index.Remove(returned.FilePath);
            logger.ReturnedToReview(returned.FilePath, path, category);
            return true;
        }

        if (gone.FirstOrDefault() is { } copied)
        {
            await FollowReviewAsync(copied, path, category, cancellationToken);
            return true;
        }

        if (pending.Count > 0)
        {
            return false; // a copy of a file still in review
        }

        return null;
    }

    private async Task FollowReviewAsync(ReviewItem row, string path, string category, CancellationToken cancellationToken)
    {
        Found(row.Id);
        Index.Remove(row.FilePath);
        _identities.Remove(row.FilePath);
        RememberIdentity(path);
        await store.MoveReviewAsync(row.Id, path, category, cancellationToken);
        logger.ReviewMoved(row.FilePath, path, row.Id, category);
    }

    private async Task<bool> ArriveUnmatchedAsync(string path, ReviewPlace place, string hash, CancellationToken cancellationToken)
    {
        if (place.Kind == PlaceKind.Faces && PersonName.Sanitize(place.Folder) is { } person)
        {
            await downloadRecords.AddManualDownloadAsync(path, person, hash, cancellationToken);
            logger.ManualAddition(path, person);
            fingerprints?.Ask(); // into the near-duplicate index now, not at the next rescan
            return true;
        }

        logger.UnknownReviewFile(path);
        return false;
    }

    /// <summary>
    /// A pending row without a hash (put into review by rule 0 before such files were hashed) gets the
    /// hash of its file, so a move or rename in a file manager can be followed by content rather than
    /// taken for a deletion. Null when the file changed while it was hashed (looked at again on its next event).
    /// </summary>
    private async Task<string?> RecordHashAsync(ReviewItem row, FileInfo info, CancellationToken cancellationToken)
    {
        var hash = await hasher.HashAsync(row.FilePath, info.Length, info.LastWriteTimeUtc, cancellationToken);
        if (hash is not null && await store.SetReviewHashAsync(row.Id, hash, cancellationToken))
        {
            logger.ReviewHashRecorded(row.FilePath, row.Id);
        }

        return hash;
    }

    /// <summary>
    /// The pending row among <paramref name="rows"/> whose file was last seen with the device and inode of
    /// <paramref name="path"/>, or null: identical files (an exact duplicate beside its original, several
    /// empty or invalid downloads) are told apart by identity, which a rename within one filesystem keeps.
    /// </summary>
    private ReviewItem? SameFile(IEnumerable<ReviewItem> rows, string path) =>
        FileIdentity.OfFile(path) is { } identity
            ? rows.FirstOrDefault(row => _identities.TryGetValue(row.FilePath, out var seen) && seen == identity)
            : null;

    private void RememberIdentity(string path)
    {
        if (tree.Classify(path).Kind == PlaceKind.Review && FileIdentity.OfFile(path) is { } identity)
        {
            _identities[path] = identity;
        }
    }

    private async Task ApproveAsync(long reviewId, string oldPath, string path, string person, CancellationToken cancellationToken)
    {
        Found(reviewId);
        Index.Remove(oldPath);
        _identities.Remove(oldPath);
        if (await store.ApproveAsync(reviewId, person, path, ReviewedBy, cancellationToken))
        {
            logger.ReviewApproved(path, person, ReviewedBy, reviewId);
        }
    }

    /// <summary>
    /// Why the missing file of <paramref name="item"/> is not a rejection, or null when it is one
    /// (docs/contracts.md, "When a missing review file is a rejection"). A file is gone as a user's
    /// decision only when its folder is plainly there: under the configured review folder, present and
    /// readable, and the same folder: the one the daemon saw the file in (same device and inode), or,
    /// when the file was gone before the daemon started, one beside which the other recorded files still
    /// are. A folder that is missing, unreadable, replaced or re-rooted says the data is not mounted
    /// where it was, which is no decision about any file in it.
    /// </summary>
    private string? WhyNotARejection(MissingItem item, string filePath, string folder)
    {
        if (tree.Classify(filePath).Kind != PlaceKind.Review)
        {
            return $"the records place them outside the configured review folder {tree.Review} (data moved or remounted before its paths were stored relative)";
        }

        if (!Directory.Exists(tree.Review) || !Directory.Exists(folder))
        {
            return "the folder is missing";
        }

        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(folder).GetEnumerator();
            entries.MoveNext();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"the folder cannot be read ({exception.Message})";
        }

        if (item.Folder is { } seen)
        {
            return FileIdentity.Of(folder) == seen ? null : "the folder was replaced since the files were seen in it (another filesystem or a new folder at this path)";
        }

        return AnyRecordedFilePresent()
            ? null
            : "none of the files the records place under faces/ and review/ is there, so this is not the data the records describe";
    }

    /// <summary>True when some file a record accounts for is on disk (the data is mounted).</summary>
    private bool AnyRecordedFilePresent() =>
        Index.Paths.Any(path => Index.TryGet(path, out var file) && file.Recorded && File.Exists(path));

    /// <summary>Remembers the identity of the folder a review file was seen in (once per folder at start-up, on every arrival after).</summary>
    private void SeenIn(string path, bool once)
    {
        var folder = Path.GetDirectoryName(path);
        if (folder is not null && (!once || !_folders.ContainsKey(folder)))
        {
            _folders[folder] = FileIdentity.Of(folder);
            _reported.RemoveWhere(key => key.StartsWith(folder + "\n", StringComparison.Ordinal)); // there again: a next absence is logged again
        }
    }

    private static FileInfo? Stat(string path)
    {
        var info = new FileInfo(path);
        return info.Exists && info.LinkTarget is null ? info : null;
    }
}
