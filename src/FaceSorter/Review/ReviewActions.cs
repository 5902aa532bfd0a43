using FaceSorter.Decisions;
using FaceSorter.Hashing;
using FaceSorter.Moving;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Review;

/// <summary>
/// Approve and reject for the callers that are not a file manager (web page, CLI): the same moves
/// and records the file manager produces (docs/contracts.md, "Flow").
/// <list type="bullet">
/// <item>Approve moves <c>review/&lt;cat&gt;/x</c> to <c>faces/&lt;person&gt;/</c> through <see cref="FileMover"/>, as
/// every move is made (docs/linux-facts.md, "Journalled moves"): the journal entry carries the approval
/// (<see cref="RecordKind.Approval"/>), which is recorded in the transaction that completes the move, and
/// start-up recovery finishes or undoes an approval a crash interrupted, from what is on disk. The file
/// gets its original name back, without the review prefix (<c>unknown_</c>, <c>lowconf_</c>, …), or the
/// clash suffix of docs/contracts.md, "Names and prefixes", when that is taken. The review watcher (maybe
/// in another process, for the CLI) leaves a path alone while a journalled move to or from it is
/// unfinished, so it never records the same approval as <c>file-manager</c>; the store's pending check
/// records an approval once.</item>
/// <item>Reject: the user asked for deletion, so the file is deleted after the rejection is recorded; a rejection
/// whose delete the filesystem refused is tried again by rejecting the item again.</item>
/// </list>
/// Only files under the review folder are touched, and a person folder is a sanitised name directly
/// under faces/, so no request can reach outside the managed folders.
/// </summary>
public sealed class ReviewActions(IReviewQueue store, IMoveJournal journal, FileMover mover, Hasher hasher, ReviewThumbnails thumbnails, IOptions<DirectoriesOptions> directories, ILogger<ReviewActions> logger)
{
    public async Task<ReviewActionResult> ApproveAsync(long reviewId, string personName, string reviewedBy, CancellationToken cancellationToken)
    {
        // A name with a path separator is refused outright rather than sanitised into something the
        // user did not type ("../../etc" would become "etc").
        var person = personName.AsSpan().IndexOfAny('/', '\\', '\0') >= 0 ? null : PersonName.Sanitize(personName);
        if (person is null)
        {
            return new ReviewActionResult(ReviewOutcome.InvalidPerson, $"'{personName}' is not a usable person name: it needs at least one letter or digit and no '/'");
        }

        var (row, refusal) = await PendingItemAsync(reviewId, cancellationToken);
        if (row is null)
        {
            return refusal!;
        }

        var approval = new OutcomeRecord(RecordKind.Approval, row.FileHash, row.Source, person, row.Category, $"approved by {reviewedBy}",
            row.FacesDetected, row.SuggestedPerson, row.Confidence, ReviewedBy: reviewedBy, ReviewId: row.Id);
        var request = new MoveRequest(row.FilePath, Path.Combine(directories.Value.Faces, person), SortReasonExtensions.WithoutReviewPrefix(Path.GetFileName(row.FilePath)), approval);
        MoveResult moved;
        try
        {
            moved = (await mover.MoveAsync([request], cancellationToken))[0];
        }
        catch (Exception exception) when (DiskFull.Is(exception))
        {
            return NotMoved(row, person, reviewedBy, exception); // the journal could not be written: nothing moved
        }

        if (moved.Error is { } error)
        {
            return NotMoved(row, person, reviewedBy, error);
        }

        if (moved.FinalPath is not { } destination)
        {
            return new ReviewActionResult(ReviewOutcome.NotPending, $"the file of review item {reviewId} went meanwhile ({row.FilePath}); the daemon decides what became of it");
        }

        // Not cancellable: the file has moved, and its record must follow it now (recovery would, but only at the next start).
        await journal.CompleteMovesAsync([new CompletedMove(moved.JournalId!.Value, destination)], CancellationToken.None);
        if (await store.GetReviewItemAsync(row.Id, CancellationToken.None) is not { Action: ReviewAction.Approved } decided || decided.FilePath != destination)
        {
            return new ReviewActionResult(ReviewOutcome.NotPending, $"review item {reviewId} was decided meanwhile; its file is now {destination}");
        }

        thumbnails.Forget(row.FileHash); // a missing one is made again if the content comes back to review
        logger.ReviewApproved(destination, person, reviewedBy, row.Id);
        return new ReviewActionResult(ReviewOutcome.Done, $"moved to faces/{person}/{Path.GetFileName(destination)}", person, destination);
    }

    public async Task<ReviewActionResult> RejectAsync(long reviewId, string reviewedBy, CancellationToken cancellationToken)
    {
        var (row, refusal) = await PendingItemAsync(reviewId, cancellationToken);
        if (row is null)
        {
            return await RejectedButNotDeletedAsync(reviewId, cancellationToken) is { } rejected ? DeleteAgain(rejected, reviewedBy) : refusal!;
        }

        if (!await store.RejectAsync(row.Id, reviewedBy, cancellationToken))
        {
            return new ReviewActionResult(ReviewOutcome.NotPending, $"review item {reviewId} was decided meanwhile");
        }

        thumbnails.Forget(row.FileHash);
        logger.ReviewRejected(row.FilePath, reviewedBy, row.Id);
        return Delete(row);
    }

    /// <summary>
    /// A rejected item whose file is still in review/ with the content that was rejected: an earlier rejection's
    /// delete was refused (an immutable folder, a read-only mount), and rejecting it again tries the delete again.
    /// The content is compared, so a later file that took the same name is never deleted for it.
    /// </summary>
    private async Task<ReviewItem?> RejectedButNotDeletedAsync(long reviewId, CancellationToken cancellationToken) =>
        await store.GetReviewItemAsync(reviewId, cancellationToken) is { Action: ReviewAction.Rejected, FileHash: { } hash } item
            && IsUnderReview(item.FilePath) && await hasher.HoldsAsync(item.FilePath, hash, cancellationToken)
            ? item
            : null;

    private ReviewActionResult DeleteAgain(ReviewItem row, string reviewedBy)
    {
        var result = Delete(row);
        if (result.Outcome == ReviewOutcome.Done)
        {
            logger.RejectedFileDeletedLater(row.FilePath, reviewedBy, row.Id);
        }

        return result;
    }

    private ReviewActionResult Delete(ReviewItem row)
    {
        try
        {
            File.Delete(row.FilePath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The rejection stands (the user asked for it, and later copies of the content count as rejected);
            // only the deletion is left to the user.
            var reason = Reason(exception);
            logger.RejectedFileNotDeleted(row.FilePath, reason, row.Id);
            return new ReviewActionResult(ReviewOutcome.NotDone, $"review item {row.Id} is rejected, but {row.FilePath} could not be deleted: {reason}. Delete it yourself, or reject it again once the folder allows it");
        }

        return new ReviewActionResult(ReviewOutcome.Done, $"deleted {Path.GetFileName(row.FilePath)}");
    }

    /// <summary>An approval whose move failed (a folder that refuses writes, a file where the person folder goes, a full disk): the item stays pending, its file in review/.</summary>
    private ReviewActionResult NotMoved(ReviewItem row, string person, string reviewedBy, Exception error)
    {
        var reason = Reason(error);
        logger.ApprovalNotMoved(row.FilePath, person, reviewedBy, reason, row.Id);
        return new ReviewActionResult(ReviewOutcome.NotDone, $"{row.FilePath} could not be moved to faces/{person}/: {reason}. It stays in review/, still waiting for review");
    }

    // .NET's "Access to the path '…' is denied." names the path but not the errno; the inner exception has it ("Operation not permitted").
    private static string Reason(Exception error) =>
        (error is UnauthorizedAccessException && error.InnerException is { } inner ? $"{error.Message.TrimEnd('.')} ({inner.Message.TrimEnd('.')})" : error.Message).TrimEnd('.');

    /// <summary>True when <paramref name="path"/> is a file inside the review folder (any depth, no escape through <c>..</c>).</summary>
    public bool IsUnderReview(string path) => IsUnder(directories.Value.Review, path);

    /// <summary>True when <paramref name="path"/> is inside the faces folder.</summary>
    public bool IsUnderFaces(string path) => IsUnder(directories.Value.Faces, path);

    /// <summary>True when <paramref name="path"/> is inside the drop folder.</summary>
    public bool IsUnderInbox(string path) => IsUnder(directories.Value.Inbox, path);

    private static bool IsUnder(string root, string path)
    {
        var full = Path.GetFullPath(path);
        var prefix = Path.GetFullPath(root).TrimEnd('/') + "/";
        return full.StartsWith(prefix, StringComparison.Ordinal) && full.Length > prefix.Length;
    }

    private async Task<(ReviewItem? Item, ReviewActionResult? Refusal)> PendingItemAsync(long id, CancellationToken cancellationToken)
    {
        var item = await store.GetReviewItemAsync(id, cancellationToken);
        if (item is null)
        {
            return (null, new ReviewActionResult(ReviewOutcome.NotFound, $"there is no review item {id}"));
        }

        if (item.Action != ReviewAction.Pending)
        {
            return (null, new ReviewActionResult(ReviewOutcome.NotPending, $"review item {id} was already {item.Action.ToString().ToLowerInvariant()} by {item.ReviewedBy}"));
        }

        if (!IsUnderReview(item.FilePath) || !File.Exists(item.FilePath))
        {
            return (null, new ReviewActionResult(ReviewOutcome.FileMissing, $"the file of review item {id} is no longer in review/ ({item.FilePath}); the daemon decides what became of it"));
        }

        return (item, null);
    }
}
