using FaceSorter.Decisions;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FaceSorter.IntegrationTests.Review;

/// <summary>
/// Issue 12, part 4: data that can move (docs/contracts.md, "Stored paths" and "When a missing review file
/// is a rejection"). Real files, the real watcher, <c>mv</c>, and the store on each provider: the same
/// data under another path is the same data, and a folder that is not there is never a rejection.
/// </summary>
#pragma warning disable CA1001 // the harness is disposed by IAsyncLifetime.DisposeAsync
public abstract class MovedDataTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly FakeLogCollector _logs = new();
    private ReviewHarness _harness = null!;

    /// <summary>Opens the provider's store with the folders it is given.</summary>
    protected abstract FaceSorterStore OpenStore(ReviewHarness harness, StorePaths paths);

    protected virtual Task CreateDatabaseAsync() => Task.CompletedTask;

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        await CreateDatabaseAsync();
        _harness = new ReviewHarness(openStore: OpenStore)
        {
            LoggerFactory = LoggerFactory.Create(logging => logging.AddProvider(new FakeLoggerProvider(_logs))),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        await DropDatabaseAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Moving_the_whole_data_folder_keeps_every_review_item_pending_and_approvable_at_the_new_place()
    {
        var approvedByMove = await _harness.GivenReviewFileAsync("unknown_m1.jpg");
        var approvedByCli = await _harness.GivenReviewFileAsync("lowconf_m2.jpg", ReviewCategories.LowConfidence);
        var untouched = await _harness.GivenReviewFileAsync("multi_m3.jpg", ReviewCategories.MultipleFaces);
        var deleted = await _harness.GivenReviewFileAsync("unknown_m4.jpg");
        await _harness.StartAsync();
        var oldRoot = _harness.Root;

        await _harness.MoveDataFolderAsync(oldRoot + "-moved");
        Directory.Exists(oldRoot).Should().BeFalse("the data folder was renamed");
        await _harness.StartAsync();
        // A delete at the new place while its folder is plainly there is still a rejection; once it is
        // recorded, the grace and the scan that would have rejected the others have passed too.
        await ReviewHarness.RunAsync("rm", At(deleted.Path, oldRoot));
        await _harness.WaitForRowAsync(deleted.Id, row => row.Action == ReviewAction.Rejected, "the rejection of the file deleted at the new place");

        foreach (var file in new[] { approvedByMove, approvedByCli, untouched })
        {
            (await _harness.RowAsync(file.Id)).Should().BeEquivalentTo(new { Action = ReviewAction.Pending, FilePath = At(file.Path, oldRoot) }, "the file is still there, under the new path");
        }

        Directory.CreateDirectory(Path.Combine(_harness.Faces, "alice"));
        await ReviewHarness.RunAsync("mv", At(approvedByMove.Path, oldRoot), Path.Combine(_harness.Faces, "alice") + "/");
        var approved = await _harness.WaitForRowAsync(approvedByMove.Id, row => row.Action != ReviewAction.Pending, "the approval by a move at the new place");
        approved.Should().BeEquivalentTo(new { Action = ReviewAction.Approved, ReviewedBy = "file-manager", FilePath = Path.Combine(_harness.Faces, "alice", "unknown_m1.jpg") });

        var cli = await _harness.Actions().ApproveAsync(approvedByCli.Id, "Bob", "cli", ReviewHarness.Token);
        cli.Succeeded.Should().BeTrue(cli.Message);
        cli.NewPath.Should().Be(Path.Combine(_harness.Faces, "bob", "m2.jpg"));
        File.Exists(cli.NewPath).Should().BeTrue();
        (await _harness.RowAsync(untouched.Id))!.Action.Should().Be(ReviewAction.Pending);
        _logs.GetSnapshot().Should().NotContain(record => record.Id.Id == 8150, "no folder went missing");
    }

    [Fact]
    public async Task A_review_folder_missing_at_start_is_not_a_rejection_and_is_logged_once_with_the_folder()
    {
        var gone = await _harness.GivenReviewFilesInAsync(ReviewCategories.LowConfidence, "lowconf_g", 3);
        var deleted = await _harness.GivenReviewFileAsync("unknown_d1.jpg");
        var present = await _harness.GivenReviewFileAsync("unknown_d2.jpg");
        var folder = Path.Combine(_harness.Review, ReviewCategories.LowConfidence);
        var away = _harness.Root + "-away";
        await ReviewHarness.RunAsync("mv", "-T", folder, away);
        await ReviewHarness.RunAsync("rm", deleted.Path);

        await _harness.StartAsync();
        await _harness.WaitForRowAsync(deleted.Id, row => row.Action == ReviewAction.Rejected, "the rejection of the file deleted beside the others");
        await Eventually.UntilAsync(() => _logs.GetSnapshot().Any(record => record.Id.Id == 8150), TimeSpan.FromSeconds(15), "the warning about the missing folder", ReviewHarness.Token);

        foreach (var file in gone.Append(present))
        {
            (await _harness.RowAsync(file.Id))!.Action.Should().Be(ReviewAction.Pending, "a missing folder is no decision about the files in it");
        }

        var warnings = _logs.GetSnapshot().Where(record => record.Id.Id == 8150).ToList();
        warnings.Should().ContainSingle("it is logged once for the folder, not once per item")
            .Which.Message.Should().Contain(folder).And.Contain("folder is missing");

        await ReviewHarness.RunAsync("mv", "-T", away, folder);
        Directory.CreateDirectory(Path.Combine(_harness.Faces, "carol"));
        await ReviewHarness.RunAsync("mv", gone[0].Path, Path.Combine(_harness.Faces, "carol") + "/");
        await _harness.WaitForRowAsync(gone[0].Id, row => row.Action == ReviewAction.Approved, "the approval once the folder is back");
    }

    [Fact]
    public async Task A_review_folder_moved_away_while_running_is_not_a_rejection()
    {
        var gone = await _harness.GivenReviewFilesInAsync(ReviewCategories.MultipleFaces, "multi_r", 2);
        var deleted = await _harness.GivenReviewFileAsync("unknown_r9.jpg");
        await _harness.StartAsync();

        await ReviewHarness.RunAsync("mv", "-T", Path.Combine(_harness.Review, ReviewCategories.MultipleFaces), _harness.Root + "-away");
        await ReviewHarness.RunAsync("rm", deleted.Path);

        await _harness.WaitForRowAsync(deleted.Id, row => row.Action == ReviewAction.Rejected, "the rejection of the file deleted beside the others");
        await Eventually.UntilAsync(() => _logs.GetSnapshot().Any(record => record.Id.Id == 8150), TimeSpan.FromSeconds(15), "the warning about the missing folder", ReviewHarness.Token);
        foreach (var file in gone)
        {
            (await _harness.RowAsync(file.Id))!.Action.Should().Be(ReviewAction.Pending);
        }
    }

    [Fact]
    public async Task A_delete_made_at_the_same_instant_as_a_review_folder_moved_away_is_still_a_rejection()
    {
        // Back to back in this process, well within the 2 ms in which .NET 10's watcher on review/ dies
        // silently (docs/linux-facts.md, "A watcher that dies silently"): neither change is reported.
        var gone = await _harness.GivenReviewFilesInAsync(ReviewCategories.MultipleFaces, "multi_s", 2);
        var deleted = await _harness.GivenReviewFileAsync("unknown_s9.jpg");
        await _harness.StartAsync();

        Directory.Move(Path.Combine(_harness.Review, ReviewCategories.MultipleFaces), _harness.Root + "-away");
        File.Delete(deleted.Path);

        await _harness.WaitForRowAsync(deleted.Id, row => row.Action == ReviewAction.Rejected, "the rejection of the file deleted beside the others");
        foreach (var file in gone)
        {
            (await _harness.RowAsync(file.Id))!.Action.Should().Be(ReviewAction.Pending, "a missing folder is no decision about the files in it");
        }
    }

    [Fact]
    public async Task An_approval_made_at_the_same_instant_as_a_persons_folder_moved_out_of_faces_is_an_approval()
    {
        // The same .NET 10 fault on the faces/ watcher: its person folders are its root's children, and the
        // approval's arrival in faces/bob is the change right after. The file must never be taken as deleted.
        var approved = await _harness.GivenReviewFileAsync("unknown_p1.jpg");
        Directory.CreateDirectory(Path.Combine(_harness.Faces, "old_person"));
        Directory.CreateDirectory(Path.Combine(_harness.Faces, "bob"));
        await _harness.StartAsync();

        Directory.Move(Path.Combine(_harness.Faces, "old_person"), _harness.Root + "-person-away");
        File.Move(approved.Path, Path.Combine(_harness.Faces, "bob", "unknown_p1.jpg"));

        var row = await _harness.WaitForRowAsync(approved.Id, row => row.Action != ReviewAction.Pending, "the approval by the move into faces/bob");
        row.Should().BeEquivalentTo(new { Action = ReviewAction.Approved, FilePath = Path.Combine(_harness.Faces, "bob", "unknown_p1.jpg") });
    }

    [Fact]
    public async Task A_file_deleted_while_its_folder_is_there_is_still_a_rejection()
    {
        var kept = await _harness.GivenReviewFileAsync("noface_k.jpg");
        var deleted = await _harness.GivenReviewFileAsync("noface_x.jpg");
        await _harness.StartAsync();

        await ReviewHarness.RunAsync("rm", deleted.Path);

        var row = await _harness.WaitForRowAsync(deleted.Id, row => row.Action != ReviewAction.Pending, "the rejection");
        row.Should().BeEquivalentTo(new { Action = ReviewAction.Rejected, ReviewedBy = "file-manager", FilePath = deleted.Path });
        (await _harness.RowAsync(kept.Id))!.Action.Should().Be(ReviewAction.Pending);
        _logs.GetSnapshot().Should().NotContain(record => record.Id.Id == 8150);
    }

    /// <summary>Where <paramref name="path"/> (under <paramref name="oldRoot"/>) is now that the data folder moved.</summary>
    private string At(string path, string oldRoot) => _harness.Root + path[oldRoot.Length..];
}

public sealed class SqliteMovedDataTests : MovedDataTests
{
    protected override FaceSorterStore OpenStore(ReviewHarness harness, StorePaths paths) =>
        FaceSorterStore.ForSqlite($"Data Source={Path.Combine(harness.Root, "facesorter.db")}", TimeProvider.System, paths);
}

/// <summary>The same on the test PostgreSQL server: the database stays where it is, the data folder moves.</summary>
public sealed class PostgresMovedDataTests(PostgresTestDatabase database) : MovedDataTests, IClassFixture<PostgresTestDatabase>
{
    private readonly PostgresStores _stores = new(database);

    protected override Task CreateDatabaseAsync() => _stores.CreateSchemaAsync(ReviewHarness.Token);

    protected override FaceSorterStore OpenStore(ReviewHarness harness, StorePaths paths) => _stores.Open(paths);

    protected override async Task DropDatabaseAsync() => await _stores.DisposeAsync();
}
