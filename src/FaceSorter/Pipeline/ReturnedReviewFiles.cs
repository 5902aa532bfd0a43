using FaceSorter.Storage;
using Microsoft.Extensions.Logging;

namespace FaceSorter.Pipeline;

/// <summary>
/// Recognises a review file the user moved back into the drop folder to have it sorted again
/// (docs/contracts.md, "When a missing review file is a rejection"). The review watcher reports the pending
/// items whose file is gone from review/ (<see cref="Missing"/>, <see cref="Found"/>); a file of the same
/// content hashed in the drop folder meanwhile is taken for that file (<see cref="TakeBackAsync"/>): its item
/// is withdrawn, so it is neither a rejection after the grace nor the earlier copy the file would be called a
/// duplicate of. Thread-safe: the review watcher's loop reports, the hash workers ask.
/// </summary>
public sealed class ReturnedReviewFiles(IReviewQueue store, ILogger<ReturnedReviewFiles> logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SortedSet<long>> _missingByHash = new(StringComparer.Ordinal);
    private readonly Dictionary<long, string> _hashes = [];

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
    /// <exception cref="Exception">The store failed: the item stays missing, as if this file were a new copy.</exception>
    public async Task TakeBackAsync(string fileHash, string path, CancellationToken cancellationToken)
    {
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
                return;
            }
        }
    }

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
