using FaceSorter.Decisions;
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
/// <item>The record is written before the file moves: the daemon's review watcher (maybe in another
/// process, for the CLI) may see the move at once and must find the row already decided rather than
/// record it a second time as <c>file-manager</c>. The store's pending check decides races, so an item
/// is approved or rejected once. A move that fails after the record is undone in the store.</item>
/// <item>Approve moves <c>review/&lt;cat&gt;/x</c> to <c>faces/&lt;person&gt;/x</c> with a no-replace rename
/// (a clash gets the suffix of docs/contracts.md, "Names and prefixes", never an overwrite; across
/// filesystems a verified copy).</item>
/// <item>Reject: the user asked for deletion, so the file is deleted after the rejection is recorded.</item>
/// </list>
/// Only files under the review folder are touched, and a person folder is a sanitised name directly
/// under faces/, so no request can reach outside the managed folders.
/// </summary>
public sealed class ReviewActions(IFaceSorterStore store, IOptions<DirectoriesOptions> directories, TimeProvider clock, ILogger<ReviewActions> logger)
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

        var folder = Path.Combine(directories.Value.Faces, person);
        Directory.CreateDirectory(folder);
        var candidates = DestinationNamer.Candidates(Path.GetFileName(row.FilePath), clock.GetUtcNow())
            .Select(name => Path.Combine(folder, name))
            .Where(path => !File.Exists(path) && !Directory.Exists(path));
        using var names = candidates.GetEnumerator();
        names.MoveNext();
        var destination = names.Current;
        if (!await store.ApproveAsync(row.Id, person, destination, reviewedBy, cancellationToken))
        {
            return new ReviewActionResult(ReviewOutcome.NotPending, $"review item {reviewId} was decided meanwhile");
        }

        try
        {
            var result = NativeFiles.RenameNoReplaceOrFail(row.FilePath, destination);
            while (result == NativeFiles.RenameResult.DestinationExists && names.MoveNext())
            {
                result = NativeFiles.RenameNoReplaceOrFail(row.FilePath, names.Current); // taken since we looked
                if (result == NativeFiles.RenameResult.Renamed)
                {
                    await FollowAsync(row, destination, names.Current, person, cancellationToken);
                    destination = names.Current;
                }
            }

            if (result == NativeFiles.RenameResult.CrossDevice)
            {
                result = await FileMover.CopyAcrossAsync(row.FilePath, destination, cancellationToken);
            }

            if (result != NativeFiles.RenameResult.Renamed)
            {
                throw new IOException($"{row.FilePath} could not be moved to {destination} ({result})");
            }
        }
        catch (Exception)
        {
            await UndoApprovalAsync(row, destination);
            throw;
        }

        NativeFiles.FlushDirectory(folder);
        logger.ReviewApproved(destination, person, reviewedBy, row.Id);
        return new ReviewActionResult(ReviewOutcome.Done, $"moved to faces/{person}/{Path.GetFileName(destination)}", person, destination);
    }

    public async Task<ReviewActionResult> RejectAsync(long reviewId, string reviewedBy, CancellationToken cancellationToken)
    {
        var (row, refusal) = await PendingItemAsync(reviewId, cancellationToken);
        if (row is null)
        {
            return refusal!;
        }

        if (!await store.RejectAsync(row.Id, reviewedBy, cancellationToken))
        {
            return new ReviewActionResult(ReviewOutcome.NotPending, $"review item {reviewId} was decided meanwhile");
        }

        File.Delete(row.FilePath);
        logger.ReviewRejected(row.FilePath, reviewedBy, row.Id);
        return new ReviewActionResult(ReviewOutcome.Done, $"deleted {Path.GetFileName(row.FilePath)}");
    }

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
            return (null, new ReviewActionResult(ReviewOutcome.FileMissing, $"the file of review item {id} is no longer in review/ ({item.FilePath}); the daemon decides what became of it"));
        }

        return (item, null);
    }

    private async Task FollowAsync(ReviewItem row, string recordedPath, string actualPath, string person, CancellationToken cancellationToken)
    {
        var download = (await store.ListDownloadsAsync(row.FileHash, cancellationToken)).LastOrDefault(item => item.FilePath == recordedPath);
        if (download is not null)
        {
            await store.MoveDownloadAsync(download.Id, actualPath, person, cancellationToken);
        }
    }

    private async Task UndoApprovalAsync(ReviewItem row, string recordedPath)
    {
        // The file did not move: put the row back to pending where the file still is. Not cancellable:
        // the store must not be left saying the file is somewhere it is not.
        var download = (await store.ListDownloadsAsync(row.FileHash, CancellationToken.None)).LastOrDefault(item => item.FilePath == recordedPath);
        if (download is not null)
        {
            await store.ReturnToReviewAsync(download.Id, row.FilePath, row.Category, CancellationToken.None);
        }
    }
}
