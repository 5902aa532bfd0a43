using FaceSorter.Decisions;
using FaceSorter.Hashing;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Storage;

namespace FaceSorter.IntegrationTests.Review;

/// <summary>
/// A new-user trial (issue 14, Immich down, pictures put into faces/ by hand): the review watcher follows a
/// file by its own record (docs/contracts.md, "Following a file by its content") even while an exact
/// duplicate of it waits in review, and the duplicates that name a file as their earlier copy follow it
/// wherever its recorded place changes. Real watcher, real files, <c>mv</c> and <c>rm</c>, the store on each provider.
/// </summary>
#pragma warning disable CA1001 // the harness is disposed by IAsyncLifetime.DisposeAsync
public abstract class FollowedRecordTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Tail = " (distance 3 of 64; this 600×400, earlier 1200×800: the earlier one has more pixels)";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private ReviewHarness _harness = null!;

    /// <summary>Opens the provider's store with the folders it is given.</summary>
    protected abstract FaceSorterStore OpenStore(ReviewHarness harness, StorePaths paths);

    protected virtual Task CreateDatabaseAsync() => Task.CompletedTask;

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    private static CancellationToken Token => ReviewHarness.Token;

    private string Inbox => Path.Combine(_harness.Root, "temp_downloads");

    public async ValueTask InitializeAsync()
    {
        await CreateDatabaseAsync();
        _harness = new ReviewHarness(openStore: OpenStore);
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        await DropDatabaseAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_picture_moved_to_another_person_folder_is_a_correction_while_an_exact_duplicate_of_it_waits_in_review()
    {
        var (dave, hash) = await GivenAddedByHandAsync("dave", "sample3.jpg");
        var (exact, near) = await GivenDuplicatesOfAsync(dave, hash, "sample3.jpg");

        var carol = Path.Combine(_harness.Faces, "carol", "sample3.jpg");
        await ReviewHarness.RunAsync("sh", "-c", $"mkdir \"{Path.GetDirectoryName(carol)}\" && mv \"{dave}\" \"{carol}\"");

        await Eventually.UntilAsync(async () => (await _harness.Store.ListDownloadsAsync(hash, Token)).Single().FilePath == carol, Deadline, "the correction", Token);
        (await _harness.Store.ListDownloadsAsync(hash, Token)).Single().PersonName.Should().Be("carol");
        (await _harness.Store.GetStatsAsync(1, TimeProvider.System.GetUtcNow(), Token)).Corrections.Should().Be(1);
        (await _harness.RowAsync(exact.Id)).Should().BeEquivalentTo(
            new { Action = ReviewAction.Pending, FilePath = exact.Path, EarlierCopy = carol, Reason = $"duplicate of {carol}" }, "the duplicate is another file, and it names the original where it is now");
        (await _harness.RowAsync(near.Id)).Should().BeEquivalentTo(new { EarlierCopy = carol, Reason = $"near copy of {carol}{Tail}" });
        (await new DuplicateChecker(_harness.Store).FindEarlierCopyAsync(hash, Path.Combine(Inbox, "again.jpg"), Token))!.EarlierPath.Should().Be(carol);
    }

    [Fact]
    public async Task A_picture_moved_back_into_review_is_returned_there_while_an_exact_duplicate_of_it_waits_in_review()
    {
        var (dave, hash) = await GivenAddedByHandAsync("dave", "sample3.jpg");
        var (exact, _) = await GivenDuplicatesOfAsync(dave, hash, "sample3.jpg");

        var back = Path.Combine(_harness.Review, ReviewCategories.Unidentified, "sample3.jpg");
        await ReviewHarness.RunAsync("mv", dave, back);

        await Eventually.UntilAsync(async () => await _harness.Store.FindReviewByPathAsync(back, Token) is { Action: ReviewAction.Pending }, Deadline, "the return to review", Token);
        (await _harness.Store.ListDownloadsAsync(hash, Token)).Should().BeEmpty();
        (await _harness.RowAsync(exact.Id)).Should().BeEquivalentTo(new { Action = ReviewAction.Pending, FilePath = exact.Path, EarlierCopy = back });
    }

    [Fact]
    public async Task A_picture_moved_to_another_person_folder_while_its_exact_duplicate_is_deleted_is_a_correction_and_the_deletion_a_rejection()
    {
        var (dave, hash) = await GivenAddedByHandAsync("dave", "sample3.jpg");
        var (exact, _) = await GivenDuplicatesOfAsync(dave, hash, "sample3.jpg");

        var carol = Path.Combine(_harness.Faces, "carol", "sample3.jpg");
        await ReviewHarness.RunAsync("sh", "-c", $"mkdir \"{Path.GetDirectoryName(carol)}\" && mv \"{dave}\" \"{carol}\" && rm \"{exact.Path}\"");

        (await _harness.WaitForRowAsync(exact.Id, row => row.Action != ReviewAction.Pending, "the deleted duplicate decided"))
            .Action.Should().Be(ReviewAction.Rejected, "the moved file is the original, not the deleted duplicate");
        await Eventually.UntilAsync(async () => (await _harness.Store.ListDownloadsAsync(hash, Token)).Single().FilePath == carol, Deadline, "the correction", Token);
        (await _harness.Store.ListDownloadsAsync(hash, Token)).Single().PersonName.Should().Be("carol");
    }

    [Fact]
    public async Task An_original_moved_by_hand_from_the_drop_folder_into_a_person_folder_is_followed_by_the_near_duplicate_that_names_it()
    {
        var original = Path.Combine(Inbox, "s1_lefthalf.jpg");
        var hash = ReviewHarness.WriteUnique(original);
        (await _harness.Store.ClaimContentAsync(hash, original, Token)).IsOriginal.Should().BeTrue("it waits in the drop folder (Immich is down)");
        var nearPath = Path.Combine(_harness.Review, ReviewCategories.Duplicates, "similar_s1_lefthalf-small.jpg");
        var near = await GivenReviewRowAsync(nearPath, ReviewHarness.WriteUnique(nearPath), $"near copy of {original}, which is being sorted{Tail}", original);
        await _harness.StartAsync();
        (await _harness.RowAsync(near.Id))!.Reason.Should().Be($"near copy of {original}, which is being sorted{Tail}");

        var alice = Path.Combine(_harness.Faces, "alice", "s1_lefthalf.jpg");
        await ReviewHarness.RunAsync("sh", "-c", $"mkdir \"{Path.GetDirectoryName(alice)}\" && mv \"{original}\" \"{alice}\"");

        await Eventually.UntilAsync(async () => (await _harness.Store.ListDownloadsAsync(hash, Token)).Any(download => download.FilePath == alice), Deadline, "the addition by hand", Token);
        (await _harness.RowAsync(near.Id)).Should().BeEquivalentTo(new { Action = ReviewAction.Pending, EarlierCopy = alice, Reason = $"near copy of {alice}{Tail}" });
        (await new DuplicateChecker(_harness.Store).FindEarlierCopyAsync(hash, Path.Combine(Inbox, "again.jpg"), Token))!.EarlierPath.Should().Be(alice);
    }

    /// <summary>A picture added to faces/<paramref name="person"/>/ by hand and recorded by the running watcher; the watcher is running after.</summary>
    private async Task<(string Path, string Hash)> GivenAddedByHandAsync(string person, string name)
    {
        await _harness.StartAsync();
        var outside = Path.Combine(_harness.Root, "elsewhere", name);
        var hash = ReviewHarness.WriteUnique(outside);
        var folder = Path.Combine(_harness.Faces, person);
        Directory.CreateDirectory(folder);
        await ReviewHarness.RunAsync("mv", outside, folder + "/");
        var path = Path.Combine(folder, name);
        await Eventually.UntilAsync(async () => (await _harness.Store.ListDownloadsAsync(hash, Token)).Any(download => download.FilePath == path), Deadline, "the addition by hand", Token);
        return (path, hash);
    }

    /// <summary>
    /// An exact duplicate (same bytes) and a near duplicate of <paramref name="original"/> put into review/duplicates/
    /// as the pipeline does, while the watcher is stopped; the watcher is started again (it loads them as at a start).
    /// </summary>
    private async Task<(GivenFile Exact, GivenFile Near)> GivenDuplicatesOfAsync(string original, string hash, string name)
    {
        await _harness.StopAsync();
        var exactPath = Path.Combine(_harness.Review, ReviewCategories.Duplicates, "duplicate_exact_" + name);
        File.Copy(original, exactPath);
        var exact = await GivenReviewRowAsync(exactPath, hash, $"duplicate of {original}", original);
        var nearPath = Path.Combine(_harness.Review, ReviewCategories.Duplicates, "similar_" + name);
        var near = await GivenReviewRowAsync(nearPath, ReviewHarness.WriteUnique(nearPath), $"near copy of {original}{Tail}", original);
        await _harness.StartAsync();
        return (exact, near);
    }

    private async Task<GivenFile> GivenReviewRowAsync(string path, string hash, string reason, string earlier)
    {
        var outcome = new OutcomeRecord(RecordKind.Review, hash, null, null, ReviewCategories.Duplicates, reason, 0, null, null, EarlierCopy: earlier);
        var ids = await _harness.Store.BeginMovesAsync([new PlannedMove(Path.Combine(Inbox, Path.GetFileName(path)), path, outcome)], Token);
        await _harness.Store.CompleteMovesAsync([new CompletedMove(ids[0], path)], Token);
        return new GivenFile((await _harness.Store.FindReviewByPathAsync(path, Token))!.Id, path, hash);
    }
}

public sealed class SqliteFollowedRecordTests : FollowedRecordTests
{
    protected override FaceSorterStore OpenStore(ReviewHarness harness, StorePaths paths) =>
        FaceSorterStore.ForSqlite($"Data Source={Path.Combine(harness.Root, "facesorter.db")}", TimeProvider.System, paths);
}

/// <summary>The same on the test PostgreSQL server.</summary>
public sealed class PostgresFollowedRecordTests(PostgresTestDatabase database) : FollowedRecordTests, IClassFixture<PostgresTestDatabase>
{
    private readonly PostgresStores _stores = new(database);

    protected override Task CreateDatabaseAsync() => _stores.CreateSchemaAsync(ReviewHarness.Token);

    protected override FaceSorterStore OpenStore(ReviewHarness harness, StorePaths paths) => _stores.Open(paths);

    protected override async Task DropDatabaseAsync() => await _stores.DisposeAsync();
}
