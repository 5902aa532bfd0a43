using FaceSorter.Decisions;
using FaceSorter.Storage;

namespace FaceSorter.Hashing;

/// <summary>
/// Rule 1 of docs/contracts.md, "Decision rules": content already recorded (sorted, in review, approved,
/// rejected, or being sorted right now) is a duplicate. Which of two simultaneous copies is the original is
/// decided by the store's unique constraint on the hash, never by timing.
/// </summary>
public sealed class DuplicateChecker(IContentClaims store)
{
    /// <summary>Null when this file is the original, else the earlier copy.</summary>
    public async Task<ExactCopy?> FindEarlierCopyAsync(string hash, string path, CancellationToken cancellationToken) =>
        await SettleAsync(hash, path, await store.ClaimContentAsync(hash, path, cancellationToken), cancellationToken);

    /// <summary>
    /// <see cref="FindEarlierCopyAsync"/> for a batch of files (content hash, absolute path), claimed in
    /// one session (<see cref="IContentClaims.ClaimContentsAsync"/>): an answer per file in the order
    /// given, each decided against every earlier claim, one made earlier in the batch included.
    /// </summary>
    public async Task<IReadOnlyList<ExactCopy?>> FindEarlierCopiesAsync(IReadOnlyList<(string FileHash, string Path)> files, CancellationToken cancellationToken)
    {
        var claims = await store.ClaimContentsAsync(files, cancellationToken);
        var answers = new ExactCopy?[files.Count];
        for (var i = 0; i < files.Count; i++)
        {
            answers[i] = await SettleAsync(files[i].FileHash, files[i].Path, claims[i], cancellationToken);
        }

        return answers;
    }

    private async Task<ExactCopy?> SettleAsync(string hash, string path, ContentClaim claim, CancellationToken cancellationToken)
    {
        if (claim.IsOriginal)
        {
            return null;
        }

        if (claim.EarlierState == ContentState.Claimed && claim.EarlierPath is { } stale && store.OwnsDropFolderClaims && !File.Exists(stale))
        {
            // The claiming file vanished before it was sorted (deleted from the drop folder, or a
            // crash): the claim is void and this copy may take it. Only in a store this daemon owns: in a
            // shared PostgreSQL store the path may be another daemon's live file in its own drop folder
            // (docs/contracts.md, "Stored paths").
            await store.ReleaseClaimAsync(hash, stale, cancellationToken);
            claim = await store.ClaimContentAsync(hash, path, cancellationToken);
            if (claim.IsOriginal)
            {
                return null;
            }
        }

        return new ExactCopy(claim.EarlierPath, claim.EarlierState);
    }
}
