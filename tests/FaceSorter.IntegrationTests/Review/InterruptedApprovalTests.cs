using FaceSorter.Moving;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace FaceSorter.IntegrationTests.Review;

/// <summary>
/// A web or CLI approval killed between its journal entry and its completion: start-up recovery
/// finishes it or undoes it from what is on disk, and records it exactly once.
/// </summary>
#pragma warning disable CA1001 // the harness is disposed by IAsyncLifetime.DisposeAsync
public sealed class InterruptedApprovalTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly ReviewHarness _harness = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task An_approval_killed_after_its_file_moved_is_recorded_once_by_recovery()
    {
        var file = await _harness.GivenReviewFileAsync("unknown_beach.jpg");
        var destination = Path.Combine(_harness.Faces, "alice", "beach.jpg");
        await GivenApprovalJournalledAsync(file, destination);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Move(file.Path, destination); // the move happened; the process died before completing it

        await RecoverAsync();
        await RecoverAsync();

        (await _harness.RowAsync(file.Id)).Should().BeEquivalentTo(new { Action = ReviewAction.Approved, ReviewedBy = "web", FilePath = destination, SuggestedPerson = "alice" });
        (await _harness.Store.ListDownloadsAsync(file.Hash, ReviewHarness.Token)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { FilePath = destination, PersonName = "alice", AutoSorted = false, Source = "instagram" });
        (await _harness.Store.GetUnfinishedMovesAsync(ReviewHarness.Token)).Should().BeEmpty();
    }

    [Fact]
    public async Task An_approval_killed_before_its_file_moved_is_undone_and_the_item_stays_pending()
    {
        var file = await _harness.GivenReviewFileAsync("unknown_dunes.jpg");
        var destination = Path.Combine(_harness.Faces, "alice", "dunes.jpg");
        await GivenApprovalJournalledAsync(file, destination);

        await RecoverAsync();

        File.Exists(file.Path).Should().BeTrue();
        File.Exists(destination).Should().BeFalse();
        (await _harness.RowAsync(file.Id)).Should().BeEquivalentTo(new { Action = ReviewAction.Pending, FilePath = file.Path });
        (await _harness.Store.ListDownloadsAsync(file.Hash, ReviewHarness.Token)).Should().BeEmpty();
        (await _harness.Store.GetUnfinishedMovesAsync(ReviewHarness.Token)).Should().BeEmpty();
        (await _harness.Actions().ApproveAsync(file.Id, "alice", "cli", ReviewHarness.Token)).Succeeded.Should().BeTrue("the item can be approved again");
    }

    private async Task GivenApprovalJournalledAsync(GivenFile file, string destination)
    {
        var approval = new OutcomeRecord(RecordKind.Approval, file.Hash, "instagram", "alice", "unidentified", "approved by web", 1, null, null, ReviewedBy: "web", ReviewId: file.Id);
        await _harness.Store.BeginMovesAsync([new PlannedMove(file.Path, destination, approval)], ReviewHarness.Token);
    }

    private async Task RecoverAsync()
    {
        var directories = MsOptions.Create(new DirectoriesOptions { Inbox = Path.Combine(_harness.Root, "temp_downloads"), Faces = _harness.Faces, Review = _harness.Review });
        await new JournalRecovery(_harness.Store, directories, NullLogger<JournalRecovery>.Instance).RecoverAsync(ReviewHarness.Token);
    }
}
