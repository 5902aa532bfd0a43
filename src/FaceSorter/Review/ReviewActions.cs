using FaceSorter.Decisions;
using FaceSorter.Moving;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Review;

/// <summary>
/// Approve or reject a review item the way a user in the file manager would (DESIGN "Flow"), for the
/// callers that are not a file manager (web page, CLI):
/// <list type="bullet">
/// <item>approve = move <c>review/&lt;cat&gt;/x</c> to <c>faces/&lt;person&gt;/x</c> with the journalled,
/// no-replace <see cref="FileMover"/> (a clash gets DESIGN's suffix, never an overwrite), then record
/// the approval once;</item>
/// <item>reject = the user asked for deletion: the rejection is recorded first (its pending check
/// decides a race with the file-manager watcher), then the file is deleted.</item>
/// </list>
/// Only paths under the configured review folder are ever touched, and the person folder is the
/// sanitised name, which has no separators, so no request can reach outside the managed folders.
/// Actions are serialised: two callers approving the same item cannot both move it.
/// </summary>
public sealed partial class ReviewActions(
    IFaceSorterStore store,
    FileMover mover,
    IOptions<DirectoriesOptions> directories,
    ILogger<ReviewActions> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1); // one action at a time: check-then-move is not atomic

    public async Task<ReviewActionResult> ApproveAsync(long id, string person, string reviewedBy, CancellationToken cancellationToken)
    {
        // A name with a path separator is refused outright rather than sanitised into something the
        // user did not type ("../../etc" would become "etc").
        var folder = person.AsSpan().IndexOfAny('/', '\\', '\0') >= 0 ? null : PersonName.Sanitize(person);
        if (folder is null)
        {
            return new ReviewActionResult(ReviewOutcome.InvalidPerson, $"'{person}' is not a usable person name: it needs at least one letter or digit");
        }

        var facesRoot = Path.GetFullPath(directories.Value.Faces);
        var target = Path.GetFullPath(Path.Combine(facesRoot, folder));
        if (!string.Equals(Path.GetDirectoryName(target), facesRoot, StringComparison.Ordinal))
        {
            return new ReviewActionResult(ReviewOutcome.InvalidPerson, $"'{person}' would not be a folder directly under faces/");
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var (item, refusal) = await PendingItemAsync(id, cancellationToken);
            if (item is null)
            {
                return refusal!;
            }

            var outcome = new OutcomeRecord(RecordKind.Download, item.FileHash, item.Source, folder, null, $"approved by {reviewedBy}",
                item.FacesDetected, item.SuggestedPerson, item.Confidence, AutoSorted: false, ReviewedBy: reviewedBy);
            var moved = (await mover.MoveAsync([new MoveRequest(item.FilePath, target, Path.GetFileName(item.FilePath), outcome)], cancellationToken))[0];
            if (moved.FinalPath is null)
            {
                return new ReviewActionResult(ReviewOutcome.FileMissing, moved.Error?.Message ?? $"{item.FilePath} is no longer in review/");
            }

            // The approval row (review row approved + downloads row) is the record of this move, so the
            // journal entry is closed without CompleteMovesAsync, which would add a second downloads row.
            // A crash between the rename and this line leaves the entry to start-up recovery.
            var recorded = await store.ApproveAsync(id, folder, moved.FinalPath, reviewedBy, cancellationToken);
            await store.AbandonMoveAsync(moved.JournalId!.Value, $"done: recorded as approval by {reviewedBy}", cancellationToken);
            if (!recorded)
            {
                return new ReviewActionResult(ReviewOutcome.NotPending, $"review item {id} was decided elsewhere while its file was being moved", folder, moved.FinalPath);
            }

            LogApproved(logger, id, item.FilePath, moved.FinalPath, folder, reviewedBy);
            return new ReviewActionResult(ReviewOutcome.Done, $"moved to faces/{folder}/{Path.GetFileName(moved.FinalPath)}", folder, moved.FinalPath);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<ReviewActionResult> RejectAsync(long id, string reviewedBy, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var (item, refusal) = await PendingItemAsync(id, cancellationToken);
            if (item is null)
            {
                return refusal!;
            }

            if (!await store.RejectAsync(id, reviewedBy, cancellationToken))
            {
                return new ReviewActionResult(ReviewOutcome.NotPending, $"review item {id} was already decided");
            }

            File.Delete(item.FilePath);
            LogRejected(logger, id, item.FilePath, reviewedBy);
            return new ReviewActionResult(ReviewOutcome.Done, $"deleted {Path.GetFileName(item.FilePath)}");
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>True when <paramref name="path"/> is a file inside the review folder (any depth, no escape through <c>..</c>).</summary>
    public bool IsUnderReview(string path) => IsUnder(directories.Value.Review, path);

    /// <summary>True when <paramref name="path"/> is inside the faces folder.</summary>
    public bool IsUnderFaces(string path) => IsUnder(directories.Value.Faces, path);

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
            return (null, new ReviewActionResult(ReviewOutcome.FileMissing, $"the file of review item {id} is no longer in review/ ({item.FilePath})"));
        }

        return (item, null);
    }

    [LoggerMessage(6060, LogLevel.Information, "Review item {ReviewId} approved by {ReviewedBy}: {FilePath} -> {Destination} ({Person})")]
    private static partial void LogApproved(ILogger logger, long reviewId, string filePath, string destination, string person, string reviewedBy);

    [LoggerMessage(6061, LogLevel.Information, "Review item {ReviewId} rejected by {ReviewedBy}: {FilePath} deleted")]
    private static partial void LogRejected(ILogger logger, long reviewId, string filePath, string reviewedBy);
}
