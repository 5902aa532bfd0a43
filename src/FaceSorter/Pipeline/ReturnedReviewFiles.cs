using FaceSorter.Decisions;
using FaceSorter.Hashing;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Pipeline;

/// <summary>
/// Recognises a review file the user moved back into the drop folder to have it sorted again
/// (docs/contracts.md, "When a missing review file is a rejection"). The review watcher reports the pending
/// items whose file is gone from review/ (<see cref="Missing"/>, <see cref="Found"/>); a file of the same
/// content hashed in the drop folder meanwhile is taken for that file (<see cref="TakeBackAsync"/>): its item
/// is withdrawn, so it is neither a rejection after the grace nor the earlier copy the file would be called a
/// duplicate of. A returned file the drop folder has not hashed when the grace ends (a backlog, an Immich
/// outage, a settle time longer than the grace) is looked for under its name before the item is a rejection
/// (<see cref="TakeBackWaitingAsync"/>). Thread-safe: the review watcher's loop reports, the hash workers ask.
/// </summary>
public sealed class ReturnedReviewFiles(IReviewQueue store, Hasher hasher, IOptions<DirectoriesOptions> directories, ILogger<ReturnedReviewFiles> logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SortedSet<long>> _missingByHash = new(StringComparer.Ordinal);
    private readonly Dictionary<long, string> _hashes = [];
    private readonly Dictionary<string, string> _takenBackUnhashed = new(StringComparer.Ordinal); // drop-folder path → the download's name, taken back before it was hashed

    /// <summary>The file of pending review item <paramref name="reviewId"/>, of content <paramref name="fileHash"/> (SHA-256, hex), is gone from review/.</summary>
    public void Missing(long reviewId, string? fileHash)
    {
        if (fileHash is null)
        {
            return;
        }

        lock (_lock)
        {
            Forget(reviewId);
            _hashes[reviewId] = fileHash;
            if (!_missingByHash.TryGetValue(fileHash, out var items))
            {
                _missingByHash[fileHash] = items = [];
            }

            items.Add(reviewId);
        }
    }

    /// <summary>Item <paramref name="reviewId"/> is missing no more (its file turned up, or it was decided).</summary>
    public void Found(long reviewId)
    {
        lock (_lock)
        {
            Forget(reviewId);
        }
    }

    /// <summary>
    /// The drop-folder file at <paramref name="path"/> holds <paramref name="fileHash"/>: when a pending item of that
    /// content has lost its file, the oldest such item is withdrawn as this file's (<see cref="IReviewQueue.WithdrawReturnedAsync"/>).
    /// A copy of the content downloaded again while a review file of it is gone within the grace is taken for it
    /// too: it is sorted again, which loses nothing.
    /// </summary>
    /// <returns>
    /// The name to sort the file under when it is such a review file still bearing its review name: that name without
    /// the review prefix the pipeline gave it (<c>noface_a.jpg</c> → <c>a.jpg</c>), so sorting it again does not prefix
    /// it twice. Null otherwise: it is sorted under its own name.
    /// </returns>
    /// <exception cref="Exception">The store failed: the item stays missing, as if this file were a new copy.</exception>
    public async Task<string?> TakeBackAsync(string fileHash, string path, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_takenBackUnhashed.Remove(path, out var name))
            {
                return name;
            }
        }

        foreach (var reviewId in Candidates(fileHash))
        {
            Found(reviewId);
            if (await store.GetReviewItemAsync(reviewId, cancellationToken) is not { Action: ReviewAction.Pending } pending || File.Exists(pending.FilePath))
            {
                continue; // decided, or its file is back in review/ (followed, or never gone)
            }

            if (await store.WithdrawReturnedAsync(reviewId, path, cancellationToken) is { } item)
            {
                logger.ReviewFileReturned(path, reviewId, item.FilePath);
                return NameToSortUnder(item.FilePath, path);
            }
        }

        return null;
    }

    /// <summary>The download's name when the drop-folder file still bears the review file's name (see <see cref="TakeBackAsync"/>), else null.</summary>
    private static string? NameToSortUnder(string reviewFilePath, string path)
    {
        var reviewName = Path.GetFileName(reviewFilePath);
        var original = SortReasonExtensions.WithoutReviewPrefix(reviewName);
        return Path.GetFileName(path) == reviewName && original != reviewName ? original : null;
    }

    /// <summary>
    /// Pending item <paramref name="reviewId"/>, whose file <paramref name="reviewFilePath"/> of content
    /// <paramref name="fileHash"/> (SHA-256, hex) has been gone for the grace, is about to be a rejection: when the
    /// drop folder holds a file of the same name and content that the pipeline has not hashed yet, that is the
    /// file moved back, and the item is withdrawn as <see cref="TakeBackAsync"/> would when it is hashed. A file
    /// moved back under another name is recognised only once the pipeline hashes it (a rejection if that is after
    /// the grace); one still being copied in from another filesystem does not match yet.
    /// </summary>
    /// <returns>True when the item was withdrawn: no rejection.</returns>
    /// <exception cref="Exception">The store failed.</exception>
    public async Task<bool> TakeBackWaitingAsync(long reviewId, string reviewFilePath, string fileHash, CancellationToken cancellationToken)
    {
        foreach (var name in NamesOnReturn(Path.GetFileName(reviewFilePath)))
        {
            var candidate = Path.Combine(directories.Value.Inbox, name);
            if (!await hasher.HoldsAsync(candidate, fileHash, cancellationToken))
            {
                continue;
            }

            Found(reviewId);
            if (await store.WithdrawReturnedAsync(reviewId, candidate, cancellationToken) is { } item)
            {
                logger.ReviewFileReturned(candidate, reviewId, item.FilePath);
                if (NameToSortUnder(item.FilePath, candidate) is { } original)
                {
                    lock (_lock)
                    {
                        _takenBackUnhashed[candidate] = original; // told to the hash worker when it hashes the file
                    }
                }

                return true;
            }

            return false; // decided meanwhile
        }

        return false;
    }

    /// <summary>The names a review file is likely moved back under: its own, and the download's (without the review prefix such as <c>noface_</c>).</summary>
    private static IEnumerable<string> NamesOnReturn(string reviewName) =>
        new[] { reviewName, SortReasonExtensions.WithoutReviewPrefix(reviewName) }.Distinct(StringComparer.Ordinal);

    private long[] Candidates(string fileHash)
    {
        lock (_lock)
        {
            return _missingByHash.TryGetValue(fileHash, out var items) ? [.. items] : [];
        }
    }

    private void Forget(long reviewId)
    {
        if (_hashes.Remove(reviewId, out var hash) && _missingByHash.TryGetValue(hash, out var items))
        {
            items.Remove(reviewId);
            if (items.Count == 0)
            {
                _missingByHash.Remove(hash);
            }
        }
    }
}
