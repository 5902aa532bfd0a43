using FaceSorter.Decisions;
using FaceSorter.Moving;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Review;

/// <summary>
/// Approve and reject from the CLI (and the web page): the same moves and records the file manager
/// produces, so the review monitor sees nothing left to decide. The record is written before the file
/// moves: the daemon, in another process, may see the move at once, and must find the row already
/// decided rather than record it a second time as <c>file-manager</c>. A move that fails after the
/// record is undone in the store.
/// </summary>
public sealed class ReviewActions(IFaceSorterStore store, IOptions<DirectoriesOptions> directories, TimeProvider clock, ILogger<ReviewActions> logger)
{
    public async Task<ReviewActionResult> ApproveAsync(long reviewId, string personName, string reviewedBy, CancellationToken cancellationToken)
    {
        if (PersonName.Sanitize(personName) is not { } person)
        {
            return new ReviewActionResult(false, $"'{personName}' cannot be a person's folder name: use letters or digits");
        }

        var row = await store.GetReviewItemAsync(reviewId, cancellationToken);
        if (Undecidable(row, reviewId) is { } refusal)
        {
            return refusal;
        }

        var folder = Path.Combine(directories.Value.Faces, person);
        Directory.CreateDirectory(folder);
        var candidates = DestinationNamer.Candidates(Path.GetFileName(row!.FilePath), clock.GetUtcNow())
            .Select(name => Path.Combine(folder, name))
            .Where(path => !File.Exists(path) && !Directory.Exists(path));
        using var names = candidates.GetEnumerator();
        names.MoveNext();
        var destination = names.Current;
        if (!await store.ApproveAsync(row.Id, person, destination, reviewedBy, cancellationToken))
        {
            return new ReviewActionResult(false, $"review item {reviewId} was decided meanwhile");
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
        return new ReviewActionResult(true, $"approved as {person}: {destination}", destination);
    }

    public async Task<ReviewActionResult> RejectAsync(long reviewId, string reviewedBy, CancellationToken cancellationToken)
    {
        var row = await store.GetReviewItemAsync(reviewId, cancellationToken);
        if (Undecidable(row, reviewId) is { } refusal)
        {
            return refusal;
        }

        if (!await store.RejectAsync(row!.Id, reviewedBy, cancellationToken))
        {
            return new ReviewActionResult(false, $"review item {reviewId} was decided meanwhile");
        }

        File.Delete(row.FilePath);
        logger.ReviewRejected(row.FilePath, reviewedBy, row.Id);
        return new ReviewActionResult(true, $"rejected and deleted: {row.FilePath}");
    }

    private static ReviewActionResult? Undecidable(ReviewItem? row, long reviewId) => row switch
    {
        null => new ReviewActionResult(false, $"there is no review item {reviewId}"),
        { Action: not ReviewAction.Pending } => new ReviewActionResult(false, $"review item {reviewId} is already {row.Action.ToString().ToLowerInvariant()}"),
        _ when !File.Exists(row.FilePath) => new ReviewActionResult(false, $"{row.FilePath} is gone; the daemon decides what became of it"),
        _ => null,
    };

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
