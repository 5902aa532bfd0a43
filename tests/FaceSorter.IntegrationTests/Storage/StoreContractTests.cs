using System.Data.Common;
using System.Globalization;
using FaceSorter.Decisions;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FaceSorter.IntegrationTests.Storage;

/// <summary>
/// The contract of <see cref="FaceSorterStore"/> (docs/contracts.md, "Tables"), run against every provider:
/// each subclass only says how to open a store on a database of its own (STYLE 18). Every test
/// starts from an empty database; <see cref="OpenStore"/> called twice gives two independent
/// stores on the same database, as two daemons sharing it would have.
/// </summary>
#pragma warning disable CA1001 // Types that own disposable fields should be disposable: xunit disposes it through IAsyncLifetime.DisposeAsync
public abstract class StoreContractTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly DateTimeOffset Start = new(2026, 3, 14, 9, 26, 53, 589, TimeSpan.Zero);

    // A hung lock or pool must fail the test rather than the whole run (xunit 2 has no per-test token).
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    protected FakeTimeProvider Clock { get; } = new(Start);

    protected CancellationToken Token => _timeout.Token;

    /// <summary>
    /// The configured folders of the stores the suite opens: <c>/in</c>, <c>/faces</c>, <c>/review</c>, so
    /// every path the tests use is stored relative to one (docs/contracts.md, "Stored paths").
    /// </summary>
    protected static StorePaths Folders { get; } = FoldersAt("");

    /// <summary>A new store (its own connections) on this test's database, with <see cref="Folders"/>.</summary>
    protected FaceSorterStore OpenStore(TimeProvider clock) => OpenStore(clock, Folders);

    /// <summary>A new store (its own connections) on this test's database, storing paths relative to <paramref name="paths"/>.</summary>
    protected abstract FaceSorterStore OpenStore(TimeProvider clock, StorePaths paths);

    /// <summary>A raw connection to this test's database, to check what users and scripts see.</summary>
    protected abstract DbConnection OpenRawConnection();

    /// <summary>Prepares this test's empty database.</summary>
    protected virtual Task CreateDatabaseAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Closes the stores opened and removes this test's database.</summary>
    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    public ValueTask InitializeAsync() => new(CreateDatabaseAsync(Token));

    public async ValueTask DisposeAsync()
    {
        await DropDatabaseAsync();
        _timeout.Dispose();
        GC.SuppressFinalize(this);
    }

    // ---- schema ----

    [Fact]
    public async Task Migrating_twice_is_a_no_op()
    {
        var store = await GivenStoreAsync();
        await store.SetSettingAsync("enabled", "true", Token);

        await store.MigrateAsync(Token);
        await OpenStore(Clock).MigrateAsync(Token);

        (await store.GetSettingAsync("enabled", Token)).Should().Be("true");
        var versions = await QueryAsync("SELECT version FROM schema_version ORDER BY version");
        versions.Select(row => Convert.ToInt32(row["version"], CultureInfo.InvariantCulture)).Should().Equal(Enumerable.Range(1, store.SchemaVersion), "each migration is applied once");
    }

    [Fact]
    public async Task Two_daemons_starting_at_once_both_migrate_an_empty_database()
    {
        var first = OpenStore(Clock);
        var second = OpenStore(Clock);

        await Task.WhenAll(Task.Run(() => first.MigrateAsync(Token), Token), Task.Run(() => second.MigrateAsync(Token), Token));

        var versions = await QueryAsync("SELECT version FROM schema_version");
        versions.Should().HaveCount(first.SchemaVersion, "each migration is applied once");
        (await first.ClaimContentAsync("h1", "/in/a.jpg", Token)).IsOriginal.Should().BeTrue();
    }

    [Fact]
    public async Task A_database_three_versions_behind_is_migrated_and_keeps_its_rows()
    {
        var store = await GivenStoreAsync();
        await GivenSortedAsync(store, "h1", "/in/1.jpg", "/faces/john_doe/1.jpg");
        await RollBackSchemaToAsync(4);

        var upgraded = OpenStore(Clock);
        await upgraded.MigrateAsync(Token);

        (await upgraded.ListDownloadsAsync("h1", Token)).Select(download => download.FilePath).Should().Equal("/faces/john_doe/1.jpg");
        (await upgraded.ListUnfingerprintedAsync(10, Token)).Should().Equal([new ContentPlace("h1", "/faces/john_doe/1.jpg")], "version 6's columns are back, and the content known before them waits for its fingerprint");
        var versions = await QueryAsync("SELECT version FROM schema_version ORDER BY version");
        versions.Select(row => Convert.ToInt32(row["version"], CultureInfo.InvariantCulture)).Should().Equal(Enumerable.Range(1, upgraded.SchemaVersion));
    }

    [Fact]
    public async Task The_design_tables_have_the_design_columns()
    {
        await GivenStoreAsync();

        var downloads = await ColumnsAsync("downloads");
        var review = await ColumnsAsync("review_queue");

        downloads.Should().Contain(["id", "file_path", "filename", "file_hash", "source", "person_name", "download_date", "auto_sorted"]);
        review.Should().Contain(["id", "file_path", "category", "file_hash", "reason", "faces_detected", "suggested_person", "created_at", "reviewed_at", "reviewed_by", "action"]);
        (await ColumnsAsync("companions")).Should().Contain(["id", "file_path", "owner_path", "reason", "created_at"]);
    }

    [Fact]
    public async Task A_version_5_database_with_absolute_paths_is_migrated_to_paths_relative_to_the_folders()
    {
        // Version 5 wrote absolute paths: a store with no folders writes exactly that.
        var old = OpenStore(Clock, StorePaths.Absolute);
        await old.MigrateAsync(Token);
        await GivenSortedAsync(old, "h1", "/srv/data/temp_downloads/web/1.jpg", "/srv/data/faces/john_doe/1.jpg");
        var reviewId = await GivenInReviewAsync(old, "h2", "/srv/data/review/low_confidence/lowconf_2.jpg", ReviewCategories.LowConfidence);
        await GivenMovedAsync(old, "/srv/data/temp_downloads/2.jpg.xmp", "/srv/data/review/low_confidence/lowconf_2.jpg.xmp", CompanionOutcome("/srv/data/review/low_confidence/lowconf_2.jpg"));
        await old.HoldAsync("/srv/data/temp_downloads/held.jpg", "not an image", Token);
        await old.BeginMovesAsync([new PlannedMove("/srv/data/temp_downloads/3.jpg", "/srv/data/faces/jane_roe/3.jpg", SortedOutcome("h3", "jane_roe"))], Token);
        await GivenSortedAsync(old, "h4", "/elsewhere/in/4.jpg", "/elsewhere/faces/bob/4.jpg");
        await RollBackSchemaToAsync(5);

        var migrated = OpenStore(Clock, FoldersAt("/srv/data"));
        await migrated.MigrateAsync(Token);

        (await QueryAsync("SELECT file_path FROM downloads ORDER BY id")).Select(row => row["file_path"]).Should().Equal("faces:john_doe/1.jpg", "/elsewhere/faces/bob/4.jpg");
        (await QueryAsync("SELECT file_path FROM review_queue")).Select(row => row["file_path"]).Should().Equal("review:low_confidence/lowconf_2.jpg");
        (await QueryAsync("SELECT first_path FROM contents ORDER BY file_hash")).Select(row => row["first_path"])
            .Should().Equal("faces:john_doe/1.jpg", "review:low_confidence/lowconf_2.jpg", "/elsewhere/faces/bob/4.jpg");
        (await QueryAsync("SELECT source_path, destination_path FROM move_journal ORDER BY id")).Select(row => $"{row["source_path"]} -> {row["destination_path"]}").Should().Equal(
            "inbox:web/1.jpg -> faces:john_doe/1.jpg",
            "/in/lowconf_2.jpg -> review:low_confidence/lowconf_2.jpg",
            "inbox:2.jpg.xmp -> review:low_confidence/lowconf_2.jpg.xmp",
            "inbox:3.jpg -> faces:jane_roe/3.jpg",
            "/elsewhere/in/4.jpg -> /elsewhere/faces/bob/4.jpg");
        (await QueryAsync("SELECT file_path FROM held_files")).Select(row => row["file_path"]).Should().Equal("inbox:held.jpg");
        (await QueryAsync("SELECT file_path, owner_path FROM companions")).Select(row => $"{row["file_path"]} of {row["owner_path"]}")
            .Should().Equal("review:low_confidence/lowconf_2.jpg.xmp of review:low_confidence/lowconf_2.jpg");
        (await QueryAsync("SELECT version FROM schema_version ORDER BY version")).Should().HaveCount(migrated.SchemaVersion);

        // The same database with the data folder mounted at /mnt/disk2/data: the same data.
        var moved = OpenStore(Clock, FoldersAt("/mnt/disk2/data"));
        (await moved.ListDownloadsAsync(null, Token)).Select(download => download.FilePath).Should().Equal("/mnt/disk2/data/faces/john_doe/1.jpg", "/elsewhere/faces/bob/4.jpg");
        (await moved.GetReviewItemAsync(reviewId, Token))!.FilePath.Should().Be("/mnt/disk2/data/review/low_confidence/lowconf_2.jpg");
        (await moved.FindReviewByPathAsync("/mnt/disk2/data/review/low_confidence/lowconf_2.jpg", Token))!.Id.Should().Be(reviewId);
        (await moved.GetHeldFilesAsync(Token)).Select(held => held.FilePath).Should().Equal("/mnt/disk2/data/temp_downloads/held.jpg");
        (await moved.ListCompanionsAsync("/mnt/disk2/data/review/low_confidence/lowconf_2.jpg", Token)).Should().ContainSingle()
            .Which.FilePath.Should().Be("/mnt/disk2/data/review/low_confidence/lowconf_2.jpg.xmp");
        var unfinished = (await moved.GetUnfinishedMovesAsync(Token)).Should().ContainSingle().Subject;
        (unfinished.SourcePath, unfinished.DestinationPath).Should().Be(("/mnt/disk2/data/temp_downloads/3.jpg", "/mnt/disk2/data/faces/jane_roe/3.jpg"));
        (await moved.FindSortedFromAsync("/mnt/disk2/data/temp_downloads/web/1", Token)).Should().ContainSingle()
            .Which.DestinationPath.Should().Be("/mnt/disk2/data/faces/john_doe/1.jpg");
        (await moved.ClaimContentAsync("h1", "/mnt/disk2/data/temp_downloads/copy.jpg", Token)).EarlierPath.Should().Be("/mnt/disk2/data/faces/john_doe/1.jpg");
        (await moved.ApproveAsync(reviewId, "jane_roe", "/mnt/disk2/data/faces/jane_roe/2.jpg", "cli", Token)).Should().BeTrue("the item is still pending at the new place");
        (await QueryAsync("SELECT file_path, filename FROM downloads WHERE file_hash = 'h2'")).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new Dictionary<string, object?> { ["file_path"] = "faces:jane_roe/2.jpg", ["filename"] = "2.jpg" });
    }

    [Fact]
    public async Task A_companion_journalled_by_version_5_is_recorded_relative_when_its_move_completes()
    {
        var old = OpenStore(Clock, StorePaths.Absolute);
        await old.MigrateAsync(Token);
        var ids = await old.BeginMovesAsync([new PlannedMove("/srv/data/temp_downloads/a.jpg.xmp", "/srv/data/faces/bob/a.jpg.xmp", CompanionOutcome("/srv/data/faces/bob/a.jpg"))], Token);
        await RollBackSchemaToAsync(5);
        var migrated = OpenStore(Clock, FoldersAt("/srv/data"));
        await migrated.MigrateAsync(Token);

        (await migrated.GetUnfinishedMovesAsync(Token)).Single().Outcome.OwnerPath.Should().Be("/srv/data/faces/bob/a.jpg");
        await migrated.CompleteMovesAsync([new CompletedMove(ids[0], "/srv/data/faces/bob/a.jpg.xmp")], Token);

        (await QueryAsync("SELECT file_path, owner_path FROM companions")).Select(row => $"{row["file_path"]} of {row["owner_path"]}")
            .Should().ContainSingle().Which.Should().Be("faces:bob/a.jpg.xmp of faces:bob/a.jpg", "the owner path in the old journal entry is stored relative too");
    }

    // ---- content claims ----

    [Fact]
    public async Task The_first_claim_of_a_content_makes_its_file_the_original()
    {
        var store = await GivenStoreAsync();

        var first = await store.ClaimContentAsync("h1", "/in/a.jpg", Token);
        var second = await store.ClaimContentAsync("h1", "/in/b.jpg", Token);

        first.Should().Be(new ContentClaim(true, null, null));
        second.Should().Be(new ContentClaim(false, "/in/a.jpg", ContentState.Claimed));
    }

    [Fact]
    public async Task The_same_file_claiming_again_after_a_crash_is_still_the_original()
    {
        var store = await GivenStoreAsync();
        await store.ClaimContentAsync("h1", "/in/a.jpg", Token);

        var again = await OpenStore(Clock).ClaimContentAsync("h1", "/in/a.jpg", Token);

        again.Should().Be(new ContentClaim(true, null, null));
    }

    [Fact]
    public async Task A_released_claim_lets_another_copy_become_the_original()
    {
        var store = await GivenStoreAsync();
        await store.ClaimContentAsync("h1", "/in/a.jpg", Token);

        await store.ReleaseClaimAsync("h1", "/in/a.jpg", Token);
        var other = await store.ClaimContentAsync("h1", "/in/b.jpg", Token);

        other.IsOriginal.Should().BeTrue();
    }

    [Fact]
    public async Task A_file_rewritten_with_new_content_while_it_waits_gives_up_its_claim_of_the_old_content()
    {
        var store = await GivenStoreAsync();
        await store.ClaimContentAsync("h1", "/in/a.jpg", Token);
        await store.ClaimContentAsync("h9", "/in/other.jpg", Token);

        (await store.ClaimContentAsync("h2", "/in/a.jpg", Token)).IsOriginal.Should().BeTrue("a.jpg now holds h2");
        var copyOfOld = await store.ClaimContentAsync("h1", "/in/b.jpg", Token);

        copyOfOld.IsOriginal.Should().BeTrue("no file holds h1 any more: b.jpg is its only copy");
        (await store.ClaimContentAsync("h9", "/in/c.jpg", Token)).Should().Be(new ContentClaim(false, "/in/other.jpg", ContentState.Claimed), "other files' claims stay");
        (await store.ClaimContentAsync("h2", "/in/a.jpg", Token)).IsOriginal.Should().BeTrue("a.jpg keeps its new claim");
    }

    [Fact]
    public async Task Releasing_does_not_void_content_that_was_already_sorted()
    {
        var store = await GivenStoreAsync();
        await GivenSortedAsync(store, "h1", "/in/a.jpg", "/faces/john_doe/a.jpg");

        await store.ReleaseClaimAsync("h1", "/faces/john_doe/a.jpg", Token);
        var copy = await store.ClaimContentAsync("h1", "/in/b.jpg", Token);

        copy.Should().Be(new ContentClaim(false, "/faces/john_doe/a.jpg", ContentState.Sorted));
    }

    [Fact]
    public async Task Eight_simultaneous_claims_of_one_content_make_exactly_one_original()
    {
        var store = await GivenStoreAsync();

        for (var round = 0; round < 5; round++)
        {
            var hash = $"h{round}";
            var claims = await ClaimAtOnceAsync(Enumerable.Range(0, 8).Select(i => (store, $"/in/{round}/copy{i}.jpg")).ToList(), hash);

            claims.Count(claim => claim.IsOriginal).Should().Be(1, $"round {round}");
            var original = claims.Single(claim => claim.IsOriginal).Path;
            claims.Where(claim => !claim.IsOriginal).Should().OnlyContain(claim => claim.Claim.EarlierPath == original && claim.Claim.EarlierState == ContentState.Claimed);
        }
    }

    [Fact]
    public async Task Two_daemons_claiming_one_content_at_once_make_exactly_one_original()
    {
        var first = await GivenStoreAsync();
        var second = OpenStore(Clock);

        for (var round = 0; round < 5; round++)
        {
            var hash = $"h{round}";
            var claims = await ClaimAtOnceAsync(
                Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? first : second, $"/inbox{i % 2}/{round}/copy{i}.jpg")).ToList(), hash);

            claims.Count(claim => claim.IsOriginal).Should().Be(1, $"round {round}");
        }
    }

    [Fact]
    public async Task A_batch_of_claims_decides_each_copy_against_every_earlier_claim_in_the_batch_too()
    {
        var store = await GivenStoreAsync();
        await GivenSortedAsync(store, "h0", "/in/old.jpg", "/faces/john_doe/old.jpg");

        var claims = await store.ClaimContentsAsync(
            [("h2", "/in/b.jpg"), ("h1", "/in/a.jpg"), ("h2", "/in/b-copy.jpg"), ("h0", "/in/old-copy.jpg"), ("h1", "/in/a-copy.jpg")], Token);

        claims.Should().Equal(
            new ContentClaim(true, null, null),
            new ContentClaim(true, null, null),
            new ContentClaim(false, "/in/b.jpg", ContentState.Claimed),
            new ContentClaim(false, "/faces/john_doe/old.jpg", ContentState.Sorted),
            new ContentClaim(false, "/in/a.jpg", ContentState.Claimed));
        (await store.ClaimContentAsync("h2", "/in/later.jpg", Token)).Should().Be(new ContentClaim(false, "/in/b.jpg", ContentState.Claimed), "the batch's claims are committed");
    }

    [Fact]
    public async Task A_file_in_a_batch_that_claimed_before_a_crash_is_still_the_original()
    {
        var store = await GivenStoreAsync();
        await store.ClaimContentAsync("h1", "/in/a.jpg", Token);

        var claims = await OpenStore(Clock).ClaimContentsAsync([("h1", "/in/copy.jpg"), ("h1", "/in/a.jpg")], Token);

        claims.Should().Equal(new ContentClaim(false, "/in/a.jpg", ContentState.Claimed), new ContentClaim(true, null, null));
    }

    [Fact]
    public async Task Two_daemons_claiming_overlapping_batches_at_once_make_exactly_one_original_of_each_content()
    {
        var first = await GivenStoreAsync();
        var second = OpenStore(Clock);
        var hashes = Enumerable.Range(0, 20).Select(i => $"h{i}").ToList();

        var claims = await Task.WhenAll(
            Task.Run(() => first.ClaimContentsAsync([.. hashes.Select(hash => (hash, $"/inbox0/{hash}.jpg"))], Token)),
            Task.Run(() => second.ClaimContentsAsync([.. Enumerable.Reverse(hashes).Select(hash => (hash, $"/inbox1/{hash}.jpg"))], Token)));

        var byHash = hashes.Select((hash, i) => new[] { claims[0][i], claims[1][hashes.Count - 1 - i] }).ToList();
        byHash.Should().OnlyContain(pair => pair.Count(claim => claim.IsOriginal) == 1);
    }

    // ---- move journal and records ----

    [Fact]
    public async Task Completing_a_sorted_move_writes_one_downloads_row_with_the_design_fields()
    {
        var store = await GivenStoreAsync();
        var outcome = SortedOutcome("h1", "john_doe", source: "instagram");
        var ids = await store.BeginMovesAsync([new PlannedMove("/in/instagram/a.jpg", "/faces/john_doe/a.jpg", outcome)], Token);
        Clock.Advance(TimeSpan.FromSeconds(2));

        await store.CompleteMovesAsync([new CompletedMove(ids[0], "/faces/john_doe/a_20260314_092655.jpg")], Token);

        var row = (await QueryAsync("SELECT file_path, filename, file_hash, source, person_name, download_date, auto_sorted FROM downloads")).Should().ContainSingle().Subject;
        row["file_path"].Should().Be("faces:john_doe/a_20260314_092655.jpg", "paths are stored relative to the configured folders");
        row["filename"].Should().Be("a_20260314_092655.jpg");
        row["file_hash"].Should().Be("h1");
        row["source"].Should().Be("instagram");
        row["person_name"].Should().Be("john_doe");
        row["download_date"].Should().Be("2026-03-14T09:26:55.589Z");
        Convert.ToInt32(row["auto_sorted"], CultureInfo.InvariantCulture).Should().Be(1);
        (await QueryAsync("SELECT id FROM review_queue")).Should().BeEmpty();
        (await store.GetUnfinishedMovesAsync(Token)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_top_level_file_is_recorded_without_a_source()
    {
        var store = await GivenStoreAsync();

        await GivenSortedAsync(store, "h1", "/in/a.jpg", "/faces/john_doe/a.jpg", source: null);

        var row = (await QueryAsync("SELECT source FROM downloads")).Should().ContainSingle().Subject;
        row["source"].Should().BeNull();
    }

    [Fact]
    public async Task Completing_a_review_move_writes_one_pending_review_queue_row()
    {
        var store = await GivenStoreAsync();

        await GivenInReviewAsync(store, "h1", "/review/low_confidence/lowconf_a.jpg", ReviewCategories.LowConfidence, source: "reddit");

        var row = (await QueryAsync("""
            SELECT file_path, category, file_hash, reason, faces_detected, suggested_person, created_at, reviewed_at, reviewed_by, action
            FROM review_queue
            """)).Should().ContainSingle().Subject;
        row["file_path"].Should().Be("review:low_confidence/lowconf_a.jpg");
        row["category"].Should().Be("low_confidence");
        row["file_hash"].Should().Be("h1");
        row["reason"].Should().Be("confidence 0.41 below 0.6");
        Convert.ToInt32(row["faces_detected"], CultureInfo.InvariantCulture).Should().Be(1);
        row["suggested_person"].Should().Be("jane_roe");
        row["created_at"].Should().Be("2026-03-14T09:26:53.589Z");
        row["reviewed_at"].Should().BeNull();
        row["reviewed_by"].Should().BeNull();
        row["action"].Should().Be("pending");
        (await QueryAsync("SELECT id FROM downloads")).Should().BeEmpty();
        (await store.ClaimContentAsync("h1", "/in/copy.jpg", Token)).Should().Be(new ContentClaim(false, "/review/low_confidence/lowconf_a.jpg", ContentState.InReview));
    }

    [Fact]
    public async Task Completing_a_move_twice_records_it_once()
    {
        var store = await GivenStoreAsync();
        var ids = await store.BeginMovesAsync([new PlannedMove("/in/a.jpg", "/faces/john_doe/a.jpg", SortedOutcome("h1", "john_doe"))], Token);

        await store.CompleteMovesAsync([new CompletedMove(ids[0], "/faces/john_doe/a.jpg")], Token);
        await store.CompleteMovesAsync([new CompletedMove(ids[0], "/faces/john_doe/a.jpg")], Token);

        (await QueryAsync("SELECT id FROM downloads")).Should().ContainSingle();
    }

    [Fact]
    public async Task Two_daemons_completing_one_move_at_once_record_it_once()
    {
        var first = await GivenStoreAsync();
        var second = OpenStore(Clock);
        var moves = Enumerable.Range(0, 10).Select(i => new PlannedMove($"/in/{i}.jpg", $"/review/unidentified/noface_{i}.jpg", ReviewOutcome($"h{i}", ReviewCategories.Unidentified))).ToList();
        var ids = await first.BeginMovesAsync(moves, Token);
        var completed = ids.Select((id, i) => new CompletedMove(id, moves[i].DestinationPath)).ToList();

        await Task.WhenAll(Task.Run(() => first.CompleteMovesAsync(completed, Token), Token), Task.Run(() => second.CompleteMovesAsync(completed, Token), Token));

        (await QueryAsync("SELECT id FROM review_queue")).Should().HaveCount(10);
    }

    [Fact]
    public async Task Unfinished_moves_are_listed_with_their_outcome_until_completed_or_abandoned()
    {
        var store = await GivenStoreAsync();
        var sorted = SortedOutcome("h1", "john_doe", source: "instagram");
        var review = ReviewOutcome("h2", ReviewCategories.MultipleFaces);
        var ids = await store.BeginMovesAsync(
        [
            new PlannedMove("/in/instagram/a.jpg", "/faces/john_doe/a.jpg", sorted),
            new PlannedMove("/in/b.jpg", "/review/multiple_faces/multi_b.jpg", review),
        ], Token);

        var unfinished = await OpenStore(Clock).GetUnfinishedMovesAsync(Token);

        ids.Should().HaveCount(2).And.OnlyHaveUniqueItems();
        unfinished.Should().Equal(
            new JournalEntry(ids[0], "/in/instagram/a.jpg", "/faces/john_doe/a.jpg", sorted, Start),
            new JournalEntry(ids[1], "/in/b.jpg", "/review/multiple_faces/multi_b.jpg", review, Start));

        await store.CompleteMovesAsync([new CompletedMove(ids[0], "/faces/john_doe/a.jpg")], Token);
        (await store.GetUnfinishedMovesAsync(Token)).Select(entry => entry.Id).Should().Equal(ids[1]);
    }

    [Fact]
    public async Task An_abandoned_move_is_no_longer_unfinished_and_records_nothing()
    {
        var store = await GivenStoreAsync();
        var ids = await store.BeginMovesAsync([new PlannedMove("/in/a.jpg", "/faces/john_doe/a.jpg", SortedOutcome("h1", "john_doe"))], Token);

        await store.AbandonMoveAsync(ids[0], "destination folder is read-only", Token);
        await store.CompleteMovesAsync([new CompletedMove(ids[0], "/faces/john_doe/a.jpg")], Token);

        (await store.GetUnfinishedMovesAsync(Token)).Should().BeEmpty();
        (await QueryAsync("SELECT id FROM downloads")).Should().BeEmpty();
    }

    [Fact]
    public async Task A_duplicate_in_review_leaves_the_original_as_the_owner_of_its_content()
    {
        var store = await GivenStoreAsync();
        await GivenSortedAsync(store, "h1", "/in/a.jpg", "/faces/john_doe/a.jpg");

        await GivenInReviewAsync(store, "h1", "/review/duplicates/duplicate_a.jpg", ReviewCategories.Duplicates);

        (await store.ClaimContentAsync("h1", "/in/third.jpg", Token)).Should().Be(new ContentClaim(false, "/faces/john_doe/a.jpg", ContentState.Sorted));
    }

    // ---- companions (schema 5) ----

    [Fact]
    public async Task A_sidecar_moved_with_its_owner_is_recorded_as_belonging_to_it_and_is_no_review_item()
    {
        var store = await GivenStoreAsync();
        var owner = await store.BeginMovesAsync([new PlannedMove("/in/photo2.png", "/review/no_faces/noface_photo2.png", ReviewOutcome("h1", "no_faces"))], Token);
        await store.CompleteMovesAsync([new CompletedMove(owner[0], "/review/no_faces/noface_photo2.png")], Token);
        Clock.Advance(TimeSpan.FromSeconds(3));

        var sidecar = await store.BeginMovesAsync([new PlannedMove("/in/photo2.png.xmp", "/review/no_faces/noface_photo2.png.xmp", CompanionOutcome("/review/no_faces/noface_photo2.png"))], Token);
        await store.CompleteMovesAsync([new CompletedMove(sidecar[0], "/review/no_faces/noface_photo2.png.xmp")], Token);

        (await store.ListCompanionsAsync("/review/no_faces/noface_photo2.png", Token)).Should().Equal(
            new CompanionRecord(1, "/review/no_faces/noface_photo2.png.xmp", "/review/no_faces/noface_photo2.png", "sidecar of photo2.png", Start.AddSeconds(3)));
        (await store.ListCompanionsAsync(null, Token)).Should().ContainSingle();
        (await store.ListCompanionsAsync("/faces/other.jpg", Token)).Should().BeEmpty();
        (await store.ListReviewAsync(null, null, Token)).Select(item => item.FilePath).Should().Equal("/review/no_faces/noface_photo2.png");
        (await QueryAsync("SELECT id FROM downloads")).Should().BeEmpty();
    }

    [Fact]
    public async Task Where_a_drop_folder_file_went_is_found_by_its_path_prefix_newest_first()
    {
        var store = await GivenStoreAsync();
        await GivenMovedAsync(store, "/in/web/photo.jpg", "/faces/john_doe/photo.jpg", SortedOutcome("h1", "john_doe"));
        await GivenMovedAsync(store, "/in/web/photo.png", "/review/no_faces/noface_photo.png", ReviewOutcome("h2", "no_faces"));
        await GivenMovedAsync(store, "/in/web/photograph.jpg", "/faces/john_doe/photograph.jpg", SortedOutcome("h3", "john_doe"));
        await GivenMovedAsync(store, "/in/web/phot.jpg", "/faces/john_doe/phot.jpg", SortedOutcome("h4", "john_doe"));
        await GivenMovedAsync(store, "/in/web/photo\u00e9.jpg", "/faces/john_doe/photo\u00e9.jpg", SortedOutcome("h6", "john_doe"));
        var abandoned = await store.BeginMovesAsync([new PlannedMove("/in/web/photo.gif", "/faces/john_doe/photo.gif", SortedOutcome("h5", "john_doe"))], Token);
        await store.AbandonMoveAsync(abandoned[0], "source vanished", Token);

        var found = await store.FindSortedFromAsync("/in/web/photo", Token);

        found.Should().Equal(
            new SortedMove("/in/web/photo\u00e9.jpg", "/faces/john_doe/photo\u00e9.jpg", RecordKind.Download, "h6"),
            new SortedMove("/in/web/photograph.jpg", "/faces/john_doe/photograph.jpg", RecordKind.Download, "h3"),
            new SortedMove("/in/web/photo.png", "/review/no_faces/noface_photo.png", RecordKind.Review, "h2"),
            new SortedMove("/in/web/photo.jpg", "/faces/john_doe/photo.jpg", RecordKind.Download, "h1"));
        (await store.FindSortedFromAsync("/in/web/PHOTO", Token)).Should().BeEmpty("paths compare byte-wise");
    }

    private async Task GivenMovedAsync(FaceSorterStore store, string from, string to, OutcomeRecord outcome)
    {
        var ids = await store.BeginMovesAsync([new PlannedMove(from, to, outcome)], Token);
        await store.CompleteMovesAsync([new CompletedMove(ids[0], to)], Token);
    }

    /// <summary>Undoes the migrations after <paramref name="version"/> (newest first), keeping the rows: a database as an older FaceSorter left it.</summary>
    private async Task RollBackSchemaToAsync(int version)
    {
        string[] undo =
        [
            "", "", "", "", "",
            "DROP INDEX ix_journal_source; DROP TABLE companions;", // 5
            "DROP INDEX ix_contents_path;", // 6
            """
            DROP INDEX ix_contents_fingerprint;
            ALTER TABLE contents DROP COLUMN fingerprint;
            ALTER TABLE contents DROP COLUMN width;
            ALTER TABLE contents DROP COLUMN height;
            ALTER TABLE review_queue DROP COLUMN earlier_path;
            """, // 7
            "DROP INDEX ix_review_earlier;", // 8
        ];
        var statements = string.Concat(Enumerable.Range(version + 1, undo.Length - version - 1).Reverse().Select(step => undo[step]));
        await QueryAsync($"{statements} DELETE FROM schema_version WHERE version > {version};");
    }

    protected static OutcomeRecord CompanionOutcome(string ownerPath) =>
        new(RecordKind.Companion, null, null, null, null, "sidecar of photo2.png", 0, null, null, OwnerPath: ownerPath);

    // ---- near duplicates (schema 6) ----

    [Fact]
    public async Task A_fingerprint_is_kept_with_its_content_and_found_by_value_with_the_contents_place_state_and_size()
    {
        var store = await GivenStoreAsync();
        await GivenSortedAsync(store, "h1", "/in/a.jpg", "/faces/john_doe/a.jpg");
        await GivenSortedAsync(store, "h2", "/in/b.jpg", "/faces/john_doe/b.jpg");
        var highBit = unchecked((long)0xF00D_0000_0000_BEEFUL); // all 64 bits are kept, the top one too

        await store.SetFingerprintAsync("h1", highBit, 1200, 800, Token);
        await store.SetFingerprintAsync("h2", null, 0, 0, Token);

        (await store.ListFingerprintsAsync(Token)).Should().Equal(highBit);
        (await store.ClaimContentAsync("h3", "/in/c.jpg", Token)).IsOriginal.Should().BeTrue();
        (await store.FindEarlierByFingerprintsAsync("h3", [highBit, 7], Token)).Should().Equal(new FingerprintedContent("h1", "/faces/john_doe/a.jpg", ContentState.Sorted, highBit, 1200, 800));
        (await store.FindEarlierByFingerprintsAsync("h1", [highBit, 7], Token)).Should().BeEmpty("only a content claimed earlier can be the earlier copy");
        (await store.FindEarlierByFingerprintsAsync("unknown", [highBit], Token)).Should().BeEmpty();
        (await store.ListUnfingerprintedAsync(10, Token)).Should().BeEmpty("a content looked at without a fingerprint (0×0) is not looked at again");
    }

    [Fact]
    public async Task Contents_added_by_hand_wait_for_their_fingerprint_and_claims_in_flight_do_not()
    {
        var store = await GivenStoreAsync();
        await store.AddManualDownloadAsync("/faces/john_doe/hand.jpg", "john_doe", "h1", Token);
        await store.ClaimContentAsync("h2", "/in/b.jpg", Token);

        (await store.ListUnfingerprintedAsync(10, Token)).Should().Equal(new ContentPlace("h1", "/faces/john_doe/hand.jpg"));
    }

    [Fact]
    public async Task A_near_duplicate_in_review_owns_its_own_content_and_an_exact_one_does_not()
    {
        var store = await GivenStoreAsync();
        await GivenSortedAsync(store, "h1", "/in/a.jpg", "/faces/john_doe/a.jpg");
        (await store.ClaimContentAsync("h2", "/in/a-small.jpg", Token)).IsOriginal.Should().BeTrue();
        var near = new OutcomeRecord(RecordKind.Review, "h2", null, null, ReviewCategories.Duplicates, "near copy of /faces/john_doe/a.jpg (distance 2 of 64)", 0, null, null,
            EarlierCopy: "/faces/john_doe/a.jpg");
        var ids = await store.BeginMovesAsync([new PlannedMove("/in/a-small.jpg", "/review/duplicates/similar_a-small.jpg", near)], Token);
        await store.CompleteMovesAsync([new CompletedMove(ids[0], "/review/duplicates/similar_a-small.jpg")], Token);
        var exact = await GivenInReviewAsync(store, "h1", "/review/duplicates/duplicate_a.jpg", ReviewCategories.Duplicates);
        var nearRow = (await store.FindReviewByPathAsync("/review/duplicates/similar_a-small.jpg", Token))!;

        nearRow.EarlierCopy.Should().Be("/faces/john_doe/a.jpg");
        (await store.ClaimContentAsync("h2", "/in/again.jpg", Token)).Should().Be(new ContentClaim(false, "/review/duplicates/similar_a-small.jpg", ContentState.InReview));
        await store.RejectAsync(nearRow.Id, "web", Token);
        await store.RejectAsync(exact, "web", Token);

        (await store.ClaimContentAsync("h2", "/in/again.jpg", Token)).Should().Be(new ContentClaim(false, "/review/duplicates/similar_a-small.jpg", ContentState.Rejected));
        (await store.ClaimContentAsync("h1", "/in/again.jpg", Token)).Should().Be(new ContentClaim(false, "/faces/john_doe/a.jpg", ContentState.Sorted), "rejecting a spare exact copy leaves the original");
    }

    [Fact]
    public async Task A_near_duplicate_and_its_reason_name_its_earlier_copy_where_it_is_now_after_it_was_sorted_out_of_the_drop_folder_or_renamed_in_review()
    {
        var store = await GivenStoreAsync();
        (await store.ClaimContentAsync("h1", "/in/a.jpg", Token)).IsOriginal.Should().BeTrue();
        (await store.ClaimContentAsync("h2", "/in/a-small.jpg", Token)).IsOriginal.Should().BeTrue();
        await GivenMovedAsync(store, "/in/a-small.jpg", "/review/duplicates/similar_a-small.jpg",
            new OutcomeRecord(RecordKind.Review, "h2", null, null, ReviewCategories.Duplicates, $"near copy of /in/a.jpg, which is being sorted{Tail}", 0, null, null, EarlierCopy: "/in/a.jpg"));
        (await store.FindReviewByPathAsync("/review/duplicates/similar_a-small.jpg", Token))!.Reason.Should().Be($"near copy of /in/a.jpg, which is being sorted{Tail}", "the earlier copy still waits");

        var ids = await store.BeginMovesAsync([new PlannedMove("/in/a.jpg", "/review/low_confidence/a.jpg", ReviewOutcome("h1", ReviewCategories.LowConfidence))], Token);
        await store.CompleteMovesAsync([new CompletedMove(ids[0], "/review/low_confidence/a.jpg")], Token);
        (await store.FindReviewByPathAsync("/review/duplicates/similar_a-small.jpg", Token))!.EarlierCopy.Should().Be("/review/low_confidence/a.jpg", "the earlier copy was sorted out of the drop folder");
        (await store.FindReviewByPathAsync("/review/duplicates/similar_a-small.jpg", Token))!.Reason.Should().Be($"near copy of /review/low_confidence/a.jpg{Tail}", "it is sorted, no longer being sorted");

        var earlier = (await store.FindReviewByPathAsync("/review/low_confidence/a.jpg", Token))!;
        await store.MoveReviewAsync(earlier.Id, "/review/low_confidence/renamed.jpg", ReviewCategories.LowConfidence, Token);
        (await store.FindReviewByPathAsync("/review/duplicates/similar_a-small.jpg", Token))!.EarlierCopy.Should().Be("/review/low_confidence/renamed.jpg", "the earlier copy was renamed in review");
        (await store.ListReviewPageAsync(ReviewCategories.Duplicates, ReviewAction.Pending, 0, 10, Token)).Single().Reason.Should().Be($"near copy of /review/low_confidence/renamed.jpg{Tail}", "the review list tells it too");
        (await store.ClaimContentAsync("h1", "/in/again.jpg", Token)).EarlierPath.Should().Be("/review/low_confidence/renamed.jpg", "the claim follows the rename too");

        await store.ApproveAsync(earlier.Id, "jane_roe", "/faces/jane_roe/renamed.jpg", "web", Token);
        (await store.FindReviewByPathAsync("/review/duplicates/similar_a-small.jpg", Token))!.EarlierCopy.Should().Be("/faces/jane_roe/renamed.jpg", "the earlier copy was approved");
        var nearId = (await store.FindReviewByPathAsync("/review/duplicates/similar_a-small.jpg", Token))!.Id;
        (await store.GetReviewItemAsync(nearId, Token))!.Reason.Should().Be($"near copy of /faces/jane_roe/renamed.jpg{Tail}");
    }

    [Theory]
    [InlineData("near copy of a rejected picture (/in/a.jpg)" + Tail, "near copy of a rejected picture (/faces/x/b.jpg)" + Tail)]
    [InlineData("near copy of /in/a.jpg (approved)" + Tail, "near copy of /faces/x/b.jpg (approved)" + Tail)]
    [InlineData("near copy of /in/a.jpg" + Tail, "near copy of /faces/x/b.jpg" + Tail)]
    [InlineData("duplicate of /in/a.jpg, which is being sorted", "duplicate of /faces/x/b.jpg")]
    [InlineData("duplicate of /in/a.jpg (approved)", "duplicate of /faces/x/b.jpg (approved)")]
    [InlineData("duplicate of /in/a.jpg", "duplicate of /faces/x/b.jpg")]
    public async Task A_duplicates_reason_keeps_what_it_says_of_the_earlier_copy_when_it_names_where_it_is_now(string decided, string shown)
    {
        var store = await GivenStoreAsync();
        (await store.ClaimContentAsync("h1", "/in/a.jpg", Token)).IsOriginal.Should().BeTrue();
        await GivenMovedAsync(store, "/in/a-again.jpg", "/review/duplicates/a-again.jpg",
            new OutcomeRecord(RecordKind.Review, "h2", null, null, ReviewCategories.Duplicates, decided, 0, null, null, EarlierCopy: "/in/a.jpg"));
        await GivenMovedAsync(store, "/in/a.jpg", "/faces/x/b.jpg", SortedOutcome("h1", "x"));

        var row = (await store.FindReviewByPathAsync("/review/duplicates/a-again.jpg", Token))!;

        (row.Reason, row.EarlierCopy).Should().Be((shown, "/faces/x/b.jpg"));
    }

    [Fact]
    public async Task When_an_earlier_copy_deleted_from_the_drop_folder_gives_up_its_claim_the_items_naming_it_say_so_and_no_longer_point_at_it()
    {
        var store = await GivenTwoDuplicatesOfAWaitingOriginalAsync();

        (await store.ReleaseClaimAsync("h1", "/in/a.jpg", Token)).Should().BeTrue();

        var near = (await store.FindReviewByPathAsync("/review/duplicates/similar_a-small.jpg", Token))!;
        (near.Reason, near.EarlierCopy).Should().Be(($"near copy of /in/a.jpg, deleted from the drop folder before it was sorted{Tail}", (string?)null));
        var exact = (await store.FindReviewByPathAsync("/review/duplicates/duplicate_a-again.jpg", Token))!;
        (exact.Reason, exact.EarlierCopy).Should().Be(("duplicate of /in/a.jpg, deleted from the drop folder before it was sorted", (string?)null));
    }

    [Fact]
    public async Task Duplicates_name_their_earlier_copy_where_it_is_now_after_it_was_added_by_hand_out_of_the_drop_folder()
    {
        var store = await GivenTwoDuplicatesOfAWaitingOriginalAsync();

        await store.AddManualDownloadAsync("/faces/alice/a.jpg", "alice", "h1", Token);

        (await store.FindReviewByPathAsync("/review/duplicates/similar_a-small.jpg", Token)).Should().BeEquivalentTo(
            new { EarlierCopy = "/faces/alice/a.jpg", Reason = $"near copy of /faces/alice/a.jpg{Tail}" });
        (await store.FindReviewByPathAsync("/review/duplicates/duplicate_a-again.jpg", Token)).Should().BeEquivalentTo(
            new { EarlierCopy = "/faces/alice/a.jpg", Reason = "duplicate of /faces/alice/a.jpg" });
    }

    [Theory]
    [InlineData("a copy of other content", "h9", ReviewCategories.Duplicates, true)]
    [InlineData("no picture (rule 0)", "h0", ReviewCategories.Unidentified, false)]
    public async Task An_earlier_copy_rewritten_into_something_that_claims_nothing_new_gives_up_its_claim_when_it_leaves_the_drop_folder(string into, string newHash, string category, bool claims)
    {
        var store = await GivenTwoDuplicatesOfAWaitingOriginalAsync();
        (await store.ClaimContentAsync("h9", "/in/other.jpg", Token)).IsOriginal.Should().BeTrue();
        if (claims)
        {
            (await store.ClaimContentAsync(newHash, "/in/a.jpg", Token)).IsOriginal.Should().BeFalse($"a.jpg, rewritten into {into}, is a duplicate of other.jpg");
        }

        await GivenMovedAsync(store, "/in/a.jpg", $"/review/{category}/a.jpg",
            new OutcomeRecord(RecordKind.Review, newHash, null, null, category, "rewritten", 0, null, null, ClaimsContent: claims));

        (await store.ClaimContentAsync("h1", "/in/c.jpg", Token)).IsOriginal.Should().BeTrue($"a.jpg left the drop folder holding {into}: no file holds h1 but c.jpg");
        var exact = (await store.FindReviewByPathAsync("/review/duplicates/duplicate_a-again.jpg", Token))!;
        (exact.Reason, exact.EarlierCopy).Should().Be(("duplicate of /in/a.jpg, rewritten with other content before it was sorted", (string?)null), "it must not follow a.jpg to where other content is");
        var near = (await store.FindReviewByPathAsync("/review/duplicates/similar_a-small.jpg", Token))!;
        (near.Reason, near.EarlierCopy).Should().Be(($"near copy of /in/a.jpg, rewritten with other content before it was sorted{Tail}", (string?)null));
        (await store.ClaimContentAsync("h9", "/in/d.jpg", Token)).Should().Be(new ContentClaim(false, "/in/other.jpg", ContentState.Claimed), "other files' claims stay");
    }

    /// <summary>/in/a.jpg claimed and waiting; a near copy and an exact copy of it in review naming it.</summary>
    private async Task<FaceSorterStore> GivenTwoDuplicatesOfAWaitingOriginalAsync()
    {
        var store = await GivenStoreAsync();
        (await store.ClaimContentAsync("h1", "/in/a.jpg", Token)).IsOriginal.Should().BeTrue();
        await GivenMovedAsync(store, "/in/a-small.jpg", "/review/duplicates/similar_a-small.jpg",
            new OutcomeRecord(RecordKind.Review, "h2", null, null, ReviewCategories.Duplicates, $"near copy of /in/a.jpg, which is being sorted{Tail}", 0, null, null, EarlierCopy: "/in/a.jpg"));
        await GivenMovedAsync(store, "/in/a-again.jpg", "/review/duplicates/duplicate_a-again.jpg",
            new OutcomeRecord(RecordKind.Review, "h1", null, null, ReviewCategories.Duplicates, "duplicate of /in/a.jpg, which is being sorted", 0, null, null, EarlierCopy: "/in/a.jpg"));
        return store;
    }

    private const string Tail = " (distance 3 of 64; this 600×400, earlier 1200×800: the earlier one has more pixels)";

    [Fact]
    public async Task Stats_count_exact_and_near_duplicates_apart()
    {
        var store = await GivenStoreAsync();
        await GivenInReviewAsync(store, "h1", "/review/duplicates/duplicate_a.jpg", ReviewCategories.Duplicates);
        var near = new OutcomeRecord(RecordKind.Review, "h2", null, null, ReviewCategories.Duplicates, "near copy of /faces/x/a.jpg (distance 2 of 64)", 0, null, null);
        var ids = await store.BeginMovesAsync([new PlannedMove("/in/b.jpg", "/review/duplicates/similar_b.jpg", near)], Token);
        await store.CompleteMovesAsync([new CompletedMove(ids[0], "/review/duplicates/similar_b.jpg")], Token);

        var stats = await store.GetStatsAsync(7, Start.AddHours(1), Token);

        (stats.ExactDuplicates, stats.NearDuplicates).Should().Be((1, 1));
    }

    // ---- held files ----

    [Fact]
    public async Task A_hold_is_listed_with_its_latest_reason_since_that_reason_was_first_given_until_released()
    {
        var store = await GivenStoreAsync();
        await store.HoldAsync("/in/b.jpg", "Immich is unreachable", Token);
        await store.HoldAsync("/in/a.jpg", "Immich is unreachable", Token);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await store.HoldAsync("/in/b.jpg", "Immich is still processing faces", Token);
        await store.HoldAsync("/in/a.jpg", "Immich is unreachable", Token); // a retry refused again: since when is its first refusal (a trial)

        var held = await store.GetHeldFilesAsync(Token);

        held.Should().Equal(
            new HeldFile("/in/a.jpg", "Immich is unreachable", Start),
            new HeldFile("/in/b.jpg", "Immich is still processing faces", Start.AddMinutes(1)));

        await store.ReleaseHoldAsync("/in/a.jpg", Token);
        await store.ReleaseHoldAsync("/in/never-held.jpg", Token);
        (await store.GetHeldFilesAsync(Token)).Select(file => file.FilePath).Should().Equal("/in/b.jpg");
    }

    [Fact]
    public async Task Completing_a_move_ends_the_hold_on_its_source_and_no_other()
    {
        var store = await GivenStoreAsync();
        await store.HoldAsync("/in/a.jpg", "Immich is unreachable", Token);
        await store.HoldAsync("/in/b.jpg", "Immich is unreachable", Token);
        var ids = await store.BeginMovesAsync([new PlannedMove("/in/a.jpg", "/faces/john_doe/a.jpg", SortedOutcome("h1", "john_doe"))], Token);

        await store.CompleteMovesAsync([new CompletedMove(ids[0], "/faces/john_doe/a.jpg")], Token);

        (await store.GetHeldFilesAsync(Token)).Select(file => file.FilePath).Should().Equal("/in/b.jpg");
    }

    [Fact]
    public async Task Held_files_are_listed_in_byte_order_of_their_paths()
    {
        var store = await GivenStoreAsync();
        foreach (var path in new[] { "/in/b.jpg", "/in/B.jpg", "/in/_a.jpg", "/in/a b.jpg", "/in/ab.jpg" })
        {
            await store.HoldAsync(path, "waiting", Token);
        }

        var held = await store.GetHeldFilesAsync(Token);

        held.Select(file => file.FilePath).Should().Equal("/in/B.jpg", "/in/_a.jpg", "/in/a b.jpg", "/in/ab.jpg", "/in/b.jpg");
    }

    // ---- stats ----

    [Fact]
    public async Task Stats_count_as_the_seed_does()
    {
        var store = await GivenStoreAsync();
        await GivenSortedAsync(store, "old", "/in/old.jpg", "/faces/john_doe/old.jpg"); // outside the 7-day window
        Clock.Advance(TimeSpan.FromDays(10));
        await GivenSortedAsync(store, "h1", "/in/1.jpg", "/faces/john_doe/1.jpg");
        await GivenSortedAsync(store, "h2", "/in/2.jpg", "/faces/john_doe/2.jpg");
        await GivenSortedAsync(store, "h3", "/in/3.jpg", "/faces/jane_roe/3.jpg");
        await GivenInReviewAsync(store, "h4", "/review/unidentified/noface_4.jpg", ReviewCategories.Unidentified);
        var approved = await GivenInReviewAsync(store, "h5", "/review/low_confidence/lowconf_5.jpg", ReviewCategories.LowConfidence);
        await GivenInReviewAsync(store, "h6", "/review/low_confidence/lowconf_6.jpg", ReviewCategories.LowConfidence);
        var rejected = await GivenInReviewAsync(store, "h7", "/review/multiple_faces/multi_7.jpg", ReviewCategories.MultipleFaces);
        await store.ApproveAsync(approved, "jane_roe", "/faces/jane_roe/lowconf_5.jpg", "cli", Token);
        await store.RejectAsync(rejected, "web", Token);

        var stats = await store.GetStatsAsync(7, Clock.GetUtcNow(), Token);

        stats.AutoSorted.Should().Be(3, "only auto-sorted rows inside the window count");
        stats.InReview.Should().Be(2, "only pending rows count");
        stats.ByPerson.Should().BeEquivalentTo(new Dictionary<string, int> { ["john_doe"] = 2, ["jane_roe"] = 2 });
        stats.ByCategory.Should().BeEquivalentTo(new Dictionary<string, int> { ["unidentified"] = 1, ["low_confidence"] = 1 });
        stats.SuccessRate.Should().Be(60.0);
        stats.Days.Should().Be(7);
    }

    [Fact]
    public async Task Stats_of_an_empty_store_are_zero()
    {
        var store = await GivenStoreAsync();

        var stats = await store.GetStatsAsync(1, Clock.GetUtcNow(), Token);

        stats.Should().BeEquivalentTo(new { AutoSorted = 0, InReview = 0, SuccessRate = 0.0, Days = 1 });
        stats.ByPerson.Should().BeEmpty();
        stats.ByCategory.Should().BeEmpty();
    }

    [Fact]
    public async Task Activity_is_counted_per_utc_day_leaving_out_quiet_days()
    {
        var store = await GivenStoreAsync();
        await GivenSortedAsync(store, "h1", "/in/1.jpg", "/faces/john_doe/1.jpg");
        var approved = await GivenInReviewAsync(store, "h2", "/review/low_confidence/lowconf_2.jpg", ReviewCategories.LowConfidence);
        Clock.Advance(TimeSpan.FromDays(1));
        await GivenSortedAsync(store, "h3", "/in/3.jpg", "/faces/john_doe/3.jpg");
        await GivenSortedAsync(store, "h4", "/in/4.jpg", "/faces/jane_roe/4.jpg");
        await store.ApproveAsync(approved, "jane_roe", "/faces/jane_roe/lowconf_2.jpg", "web", Token);
        await store.RejectAsync(await GivenInReviewAsync(store, "h5", "/review/multiple_faces/multi_5.jpg", ReviewCategories.MultipleFaces), "web", Token);
        Clock.Advance(TimeSpan.FromDays(2));
        await GivenSortedAsync(store, "h6", "/in/6.jpg", "/faces/john_doe/6.jpg"); // the 17th: after the range

        var days = await store.GetDailyCountsAsync(new DateTimeOffset(2026, 3, 14, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 17, 0, 0, 0, TimeSpan.Zero), Token);

        days.Should().Equal(
            new DailyCount(new DateOnly(2026, 3, 14), AutoSorted: 1, Approved: 0, Rejected: 0, AddedToReview: 1),
            new DailyCount(new DateOnly(2026, 3, 15), AutoSorted: 2, Approved: 1, Rejected: 1, AddedToReview: 1));
    }

    [Fact]
    public async Task Dates_compare_as_iso_text_in_the_seeds_queries()
    {
        var store = await GivenStoreAsync();
        await GivenSortedAsync(store, "h1", "/in/1.jpg", "/faces/john_doe/1.jpg");
        Clock.Advance(TimeSpan.FromDays(1));
        await GivenSortedAsync(store, "h2", "/in/2.jpg", "/faces/john_doe/2.jpg");

        var today = await QueryAsync("SELECT COUNT(*) AS n FROM downloads WHERE auto_sorted = 1 AND download_date >= '2026-03-15'");

        Convert.ToInt32(today.Single()["n"], CultureInfo.InvariantCulture).Should().Be(1);
    }

    // ---- review ----

    [Fact]
    public async Task Review_rows_are_listed_filtered_and_found()
    {
        var store = await GivenStoreAsync();
        var a = await GivenInReviewAsync(store, "h1", "/review/unidentified/noface_a.jpg", ReviewCategories.Unidentified, source: "instagram");
        var b = await GivenInReviewAsync(store, "h2", "/review/low_confidence/lowconf_b.jpg", ReviewCategories.LowConfidence);
        var c = await GivenInReviewAsync(store, "h1", "/review/duplicates/duplicate_a.jpg", ReviewCategories.Duplicates);
        await store.RejectAsync(b, "web", Token);

        (await store.ListReviewAsync(null, null, Token)).Select(item => item.Id).Should().Equal(a, b, c);
        (await store.ListReviewAsync(null, ReviewAction.Pending, Token)).Select(item => item.Id).Should().Equal(a, c);
        (await store.ListReviewAsync(ReviewCategories.LowConfidence, null, Token)).Select(item => item.Id).Should().Equal(b);
        (await store.ListReviewAsync(ReviewCategories.LowConfidence, ReviewAction.Pending, Token)).Should().BeEmpty();
        (await store.ListReviewAsync(ReviewCategories.LowConfidence, ReviewAction.Rejected, Token)).Select(item => item.Id).Should().Equal(b);
        (await store.FindReviewByPathAsync("/review/duplicates/duplicate_a.jpg", Token))!.Id.Should().Be(c);
        (await store.FindReviewByPathAsync("/review/nowhere.jpg", Token)).Should().BeNull();
        (await store.FindReviewByHashAsync("h1", Token)).Select(item => item.Id).Should().Equal(c, a);
        (await store.GetReviewItemAsync(a + b + c + 1000, Token)).Should().BeNull();

        var item = await store.GetReviewItemAsync(a, Token);
        item.Should().Be(new ReviewItem(a, "/review/unidentified/noface_a.jpg", ReviewCategories.Unidentified, "h1", "confidence 0.41 below 0.6", 1, "jane_roe",
            Start, null, null, ReviewAction.Pending, "instagram", 0.41));
    }

    [Fact]
    public async Task A_page_of_review_rows_is_cut_in_the_database_oldest_first()
    {
        var store = await GivenStoreAsync();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await GivenInReviewAsync(store, $"h{i}", $"/review/unidentified/noface_{i}.jpg", ReviewCategories.Unidentified));
        }

        var other = await GivenInReviewAsync(store, "h9", "/review/low_confidence/lowconf_9.jpg", ReviewCategories.LowConfidence);
        await store.RejectAsync(ids[1], "web", Token);

        (await store.ListReviewPageAsync(null, ReviewAction.Pending, 1, 2, Token)).Select(item => item.Id).Should().Equal(ids[2], ids[3]);
        (await store.ListReviewPageAsync(ReviewCategories.Unidentified, ReviewAction.Pending, 2, 10, Token)).Select(item => item.Id).Should().Equal(ids[3], ids[4]);
        (await store.ListReviewPageAsync(null, null, 4, 10, Token)).Select(item => item.Id).Should().Equal(ids[4], other);
        (await store.ListReviewPageAsync(null, ReviewAction.Pending, 50, 10, Token)).Should().BeEmpty();
    }

    [Fact]
    public async Task The_review_queue_is_counted_by_action_category_and_reviewer()
    {
        var store = await GivenStoreAsync();
        await GivenInReviewAsync(store, "h1", "/review/unidentified/noface_1.jpg", ReviewCategories.Unidentified);
        await GivenInReviewAsync(store, "h2", "/review/unidentified/noface_2.jpg", ReviewCategories.Unidentified);
        var approved = await GivenInReviewAsync(store, "h3", "/review/low_confidence/lowconf_3.jpg", ReviewCategories.LowConfidence);
        var rejected = await GivenInReviewAsync(store, "h4", "/review/low_confidence/lowconf_4.jpg", ReviewCategories.LowConfidence);
        await store.ApproveAsync(approved, "jane_roe", "/faces/jane_roe/lowconf_3.jpg", "cli", Token);
        await store.RejectAsync(rejected, "web", Token);

        (await store.CountReviewAsync(Token)).Should().BeEquivalentTo(new[]
        {
            new ReviewCount(ReviewAction.Pending, ReviewCategories.Unidentified, null, 2),
            new ReviewCount(ReviewAction.Approved, ReviewCategories.LowConfidence, "cli", 1),
            new ReviewCount(ReviewAction.Rejected, ReviewCategories.LowConfidence, "web", 1),
        });
    }

    [Fact]
    public async Task A_review_row_follows_its_file_within_review()
    {
        var store = await GivenStoreAsync();
        var id = await GivenInReviewAsync(store, "h1", "/review/unidentified/noface_a.jpg", ReviewCategories.Unidentified);

        await store.MoveReviewAsync(id, "/review/low_confidence/renamed.jpg", ReviewCategories.LowConfidence, Token);

        var item = await store.GetReviewItemAsync(id, Token);
        item!.FilePath.Should().Be("/review/low_confidence/renamed.jpg");
        item.Category.Should().Be(ReviewCategories.LowConfidence);
        (await store.FindReviewByPathAsync("/review/low_confidence/renamed.jpg", Token))!.Id.Should().Be(id);
    }

    [Fact]
    public async Task Approved_content_is_listed_until_its_face_is_learned_for_that_person()
    {
        var store = await GivenStoreAsync();
        var approved = await GivenInReviewAsync(store, "h1", "/review/unidentified/unknown_a.jpg", ReviewCategories.Unidentified);
        await store.ApproveAsync(approved, "carol", "/faces/carol/a.jpg", "file-manager", Token);
        await store.AddManualDownloadAsync("/faces/dave/b.jpg", "dave", "h2", Token);
        await GivenSortedAsync(store, "h3", "/in/c.jpg", "/faces/erin/c.jpg");

        (await store.ListUnlearnedApprovalsAsync(10, Token)).Select(item => (item.FileHash, item.PersonName))
            .Should().Equal([("h1", "carol"), ("h2", "dave")], "sorted files taught nothing new");

        await store.SetLearnedFaceAsync("h1", "carol", [0.5f, -1.25f, 3f], Token);
        await store.SetLearnedFaceAsync("h2", "dave", [], Token);

        (await store.ListUnlearnedApprovalsAsync(10, Token)).Should().BeEmpty();
        var learned = (await store.ListLearnedFacesAsync(Token)).Should().ContainSingle("an empty embedding means nothing was learned").Which;
        learned.Should().BeEquivalentTo(new LearnedFace("h1", "carol", [0.5f, -1.25f, 3f]));

        var download = (await store.ListDownloadsAsync("h1", Token)).Single();
        await store.MoveDownloadAsync(download.Id, "/faces/frank/a.jpg", "frank", Token);
        (await store.ListUnlearnedApprovalsAsync(10, Token)).Should().ContainSingle().Which.PersonName.Should().Be("frank", "a correction is learned again");

        await store.SetAssignmentAsync("h2", "dave", "told", Token);
        (await store.ListUnassignedApprovalsAsync(10, Token)).Select(item => item.FileHash).Should().Equal(["h1"], "telling Immich is tracked apart from learning");
    }

    [Fact]
    public async Task A_claim_whose_file_is_being_moved_is_not_released()
    {
        var store = await GivenStoreAsync();
        (await store.ClaimContentAsync("h1", "/in/a.jpg", Token)).IsOriginal.Should().BeTrue();
        await store.BeginMovesAsync([new PlannedMove("/in/a.jpg", "/faces/alice/a.jpg", SortedOutcome("h1", "alice"))], Token);

        // A copy finds /in/a.jpg gone (renamed a moment ago, not yet recorded) and tries to take the content.
        await store.ReleaseClaimAsync("h1", "/in/a.jpg", Token);

        (await store.ClaimContentAsync("h1", "/in/copy.jpg", Token)).IsOriginal.Should().BeFalse("the first file is still its content's original");
    }

    [Fact]
    public async Task A_suggestion_is_recorded_on_a_pending_row_only()
    {
        var store = await GivenStoreAsync();
        var pending = await GivenInReviewAsync(store, "h1", "/review/unidentified/unknown_a.jpg", ReviewCategories.Unidentified);
        var decided = await GivenInReviewAsync(store, "h2", "/review/unidentified/unknown_b.jpg", ReviewCategories.Unidentified);
        await store.RejectAsync(decided, "cli", Token);

        (await store.SuggestPersonAsync(pending, "alice", 0.82, Token)).Should().BeTrue();
        (await store.SuggestPersonAsync(decided, "alice", 0.82, Token)).Should().BeFalse();

        var item = await store.GetReviewItemAsync(pending, Token);
        item!.SuggestedPerson.Should().Be("alice");
        item.Confidence.Should().Be(0.82);
        item.Action.Should().Be(ReviewAction.Pending);
        (await store.GetReviewItemAsync(decided, Token))!.SuggestedPerson.Should().Be("jane_roe", "a decided row keeps what it had");
    }

    [Fact]
    public async Task Approval_is_recorded_exactly_once_with_a_downloads_row_for_the_person()
    {
        var store = await GivenStoreAsync();
        var id = await GivenInReviewAsync(store, "h1", "/review/low_confidence/lowconf_a.jpg", ReviewCategories.LowConfidence, source: "instagram");
        Clock.Advance(TimeSpan.FromHours(1));

        var first = await store.ApproveAsync(id, "jane_roe", "/faces/jane_roe/my name.jpg", "file-manager", Token);
        var again = await OpenStore(Clock).ApproveAsync(id, "john_doe", "/faces/john_doe/x.jpg", "web", Token);
        var rejectAfter = await store.RejectAsync(id, "web", Token);

        first.Should().BeTrue();
        again.Should().BeFalse();
        rejectAfter.Should().BeFalse();
        var item = await store.GetReviewItemAsync(id, Token);
        item!.Action.Should().Be(ReviewAction.Approved);
        item.ReviewedBy.Should().Be("file-manager");
        item.ReviewedAt.Should().Be(Start.AddHours(1));
        item.FilePath.Should().Be("/faces/jane_roe/my name.jpg");
        var review = (await QueryAsync("SELECT action, reviewed_at, reviewed_by FROM review_queue")).Should().ContainSingle().Subject;
        review["action"].Should().Be("approved");
        review["reviewed_at"].Should().Be("2026-03-14T10:26:53.589Z");
        review["reviewed_by"].Should().Be("file-manager");
        var download = (await QueryAsync("SELECT file_path, filename, file_hash, source, person_name, download_date, auto_sorted FROM downloads")).Should().ContainSingle().Subject;
        download["file_path"].Should().Be("faces:jane_roe/my name.jpg");
        download["filename"].Should().Be("my name.jpg");
        download["file_hash"].Should().Be("h1");
        download["source"].Should().Be("instagram");
        download["person_name"].Should().Be("jane_roe");
        download["download_date"].Should().Be("2026-03-14T10:26:53.589Z");
        Convert.ToInt32(download["auto_sorted"], CultureInfo.InvariantCulture).Should().Be(0);
        (await store.ClaimContentAsync("h1", "/in/copy.jpg", Token)).Should().Be(new ContentClaim(false, "/faces/jane_roe/my name.jpg", ContentState.Approved));
    }

    [Fact]
    public async Task Two_daemons_approving_at_once_record_one_approval()
    {
        var first = await GivenStoreAsync();
        var second = OpenStore(Clock);
        var id = await GivenInReviewAsync(first, "h1", "/review/unidentified/unknown_a.jpg", ReviewCategories.Unidentified);

        var results = await Task.WhenAll(
            Task.Run(() => first.ApproveAsync(id, "jane_roe", "/faces/jane_roe/unknown_a.jpg", "file-manager", Token)),
            Task.Run(() => second.ApproveAsync(id, "jane_roe", "/faces/jane_roe/unknown_a.jpg", "file-manager", Token)));

        results.Count(approved => approved).Should().Be(1);
        (await QueryAsync("SELECT id FROM downloads")).Should().ContainSingle();
    }

    [Fact]
    public async Task A_rejected_content_is_reported_as_rejected_to_later_copies()
    {
        var store = await GivenStoreAsync();
        var id = await GivenInReviewAsync(store, "h1", "/review/unwanted_person/unwanted_a.jpg", ReviewCategories.UnwantedPerson);
        Clock.Advance(TimeSpan.FromMinutes(5));

        var rejected = await store.RejectAsync(id, "file-manager", Token);
        var again = await store.RejectAsync(id, "web", Token);
        var approveAfter = await store.ApproveAsync(id, "jane_roe", "/faces/jane_roe/a.jpg", "web", Token);

        rejected.Should().BeTrue();
        again.Should().BeFalse();
        approveAfter.Should().BeFalse();
        var item = await store.GetReviewItemAsync(id, Token);
        item!.Action.Should().Be(ReviewAction.Rejected);
        item.ReviewedBy.Should().Be("file-manager");
        item.ReviewedAt.Should().Be(Start.AddMinutes(5));
        (await QueryAsync("SELECT id FROM downloads")).Should().BeEmpty();
        var claim = await store.ClaimContentAsync("h1", "/in/copy.jpg", Token);
        claim.IsOriginal.Should().BeFalse();
        claim.EarlierState.Should().Be(ContentState.Rejected);
    }

    [Fact]
    public async Task Rejecting_a_duplicate_copy_leaves_the_original_as_the_owner_of_its_content()
    {
        var store = await GivenStoreAsync();
        await GivenSortedAsync(store, "h1", "/in/a.jpg", "/faces/john_doe/a.jpg");
        var duplicate = await GivenInReviewAsync(store, "h1", "/review/duplicates/duplicate_a.jpg", ReviewCategories.Duplicates);

        (await store.RejectAsync(duplicate, "file-manager", Token)).Should().BeTrue();

        (await store.ClaimContentAsync("h1", "/in/third.jpg", Token)).Should().Be(new ContentClaim(false, "/faces/john_doe/a.jpg", ContentState.Sorted),
            "deleting a spare copy does not reject the picture that is still in faces/");
    }

    [Fact]
    public async Task Approving_a_duplicate_copy_leaves_the_original_as_the_owner_of_its_content()
    {
        var store = await GivenStoreAsync();
        await GivenSortedAsync(store, "h1", "/in/a.jpg", "/faces/john_doe/a.jpg");
        var duplicate = await GivenInReviewAsync(store, "h1", "/review/duplicates/duplicate_a.jpg", ReviewCategories.Duplicates);

        (await store.ApproveAsync(duplicate, "jane_roe", "/faces/jane_roe/duplicate_a.jpg", "file-manager", Token)).Should().BeTrue();

        (await store.ClaimContentAsync("h1", "/in/third.jpg", Token)).Should().Be(new ContentClaim(false, "/faces/john_doe/a.jpg", ContentState.Sorted));
        (await QueryAsync("SELECT id FROM downloads")).Should().HaveCount(2);
    }

    [Fact]
    public async Task Deciding_an_unknown_review_row_changes_nothing()
    {
        var store = await GivenStoreAsync();

        (await store.ApproveAsync(404, "jane_roe", "/faces/jane_roe/a.jpg", "cli", Token)).Should().BeFalse();
        (await store.RejectAsync(404, "cli", Token)).Should().BeFalse();

        (await QueryAsync("SELECT id FROM downloads")).Should().BeEmpty();
    }

    // ---- a file that changed after it was taken ----

    [Fact]
    public async Task Completing_a_return_to_the_drop_folder_withdraws_the_sorted_record_and_claim_in_the_same_transaction()
    {
        var store = await GivenStoreAsync();
        await GivenSortedAsync(store, "partial", "/in/a.jpg", "/faces/john_doe/a.jpg");
        var ids = await store.BeginMovesAsync([new PlannedMove("/faces/john_doe/a.jpg", "/in/a.jpg", ReturnedOutcome("partial"))], Token);

        (await store.ListDownloadsAsync(null, Token)).Should().ContainSingle("the record stays until the move back is completed");
        await store.CompleteMovesAsync([new CompletedMove(ids[0], "/in/a.jpg")], Token);

        (await store.ListDownloadsAsync(null, Token)).Should().BeEmpty();
        (await store.ClaimContentAsync("partial", "/in/a.jpg", Token)).IsOriginal.Should().BeTrue("the partial content is no longer owned by anyone");
        (await store.ClaimContentAsync("full", "/in/a.jpg", Token)).IsOriginal.Should().BeTrue();
    }

    [Fact]
    public async Task Completing_a_return_withdraws_the_pending_review_row_it_left_and_records_nothing_else_even_when_completed_twice()
    {
        var store = await GivenStoreAsync();
        await store.ClaimContentAsync("partial", "/in/b.jpg", Token);
        await GivenInReviewAsync(store, "partial", "/review/unidentified/noface_b.jpg", "unidentified");
        var other = await GivenInReviewAsync(store, "other", "/review/unidentified/c.jpg", "unidentified");

        var ids = await store.BeginMovesAsync([new PlannedMove("/review/unidentified/noface_b.jpg", "/in/b.jpg", ReturnedOutcome("partial"))], Token);
        await store.CompleteMovesAsync([new CompletedMove(ids[0], "/in/b.jpg")], Token);
        await OpenStore(Clock).CompleteMovesAsync([new CompletedMove(ids[0], "/in/b.jpg")], Token);

        (await store.ListReviewAsync(null, null, Token)).Select(item => item.Id).Should().Equal(other);
        (await store.ListDownloadsAsync(null, Token)).Should().BeEmpty();
        (await store.GetUnfinishedMovesAsync(Token)).Should().BeEmpty();
        (await store.ClaimContentAsync("partial", "/in/elsewhere.jpg", Token)).IsOriginal.Should().BeTrue();
    }

    // ---- approvals by the web page and the CLI (journalled) ----

    [Fact]
    public async Task A_journalled_approval_is_recorded_when_its_move_completes_and_only_once()
    {
        var store = await GivenStoreAsync();
        var id = await GivenInReviewAsync(store, "h1", "/review/low_confidence/lowconf_a.jpg", ReviewCategories.LowConfidence, source: "instagram");
        var ids = await store.BeginMovesAsync([new PlannedMove("/review/low_confidence/lowconf_a.jpg", "/faces/jane_roe/a.jpg", ApprovalOutcome(id, "h1", "jane_roe", "web"))], Token);

        (await store.IsMoveUnderwayAsync("/faces/jane_roe/a.jpg", Token)).Should().BeTrue();
        (await store.IsMoveUnderwayAsync("/review/low_confidence/lowconf_a.jpg", Token)).Should().BeTrue();
        (await store.GetReviewItemAsync(id, Token))!.Action.Should().Be(ReviewAction.Pending, "nothing is recorded before the move is done");
        await store.CompleteMovesAsync([new CompletedMove(ids[0], "/faces/jane_roe/a_20260314_092653.jpg")], Token);
        await OpenStore(Clock).CompleteMovesAsync([new CompletedMove(ids[0], "/faces/jane_roe/a_20260314_092653.jpg")], Token);

        (await store.IsMoveUnderwayAsync("/faces/jane_roe/a.jpg", Token)).Should().BeFalse();
        (await store.GetReviewItemAsync(id, Token)).Should().BeEquivalentTo(new
        {
            Action = ReviewAction.Approved, ReviewedBy = "web", FilePath = "/faces/jane_roe/a_20260314_092653.jpg", SuggestedPerson = "jane_roe",
        });
        (await store.ListDownloadsAsync(null, Token)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { FilePath = "/faces/jane_roe/a_20260314_092653.jpg", PersonName = "jane_roe", AutoSorted = false, Source = "instagram" });
        (await store.ClaimContentAsync("h1", "/in/copy.jpg", Token)).Should().Be(new ContentClaim(false, "/faces/jane_roe/a_20260314_092653.jpg", ContentState.Approved));
    }

    [Fact]
    public async Task A_journalled_approval_of_a_row_decided_meanwhile_records_nothing()
    {
        var store = await GivenStoreAsync();
        var id = await GivenInReviewAsync(store, "h1", "/review/low_confidence/lowconf_a.jpg", ReviewCategories.LowConfidence);
        var ids = await store.BeginMovesAsync([new PlannedMove("/review/low_confidence/lowconf_a.jpg", "/faces/jane_roe/a.jpg", ApprovalOutcome(id, "h1", "jane_roe", "cli"))], Token);
        (await OpenStore(Clock).RejectAsync(id, "web", Token)).Should().BeTrue();

        await store.CompleteMovesAsync([new CompletedMove(ids[0], "/faces/jane_roe/a.jpg")], Token);

        (await store.GetReviewItemAsync(id, Token)).Should().BeEquivalentTo(new { Action = ReviewAction.Rejected, ReviewedBy = "web" });
        (await store.ListDownloadsAsync(null, Token)).Should().BeEmpty();
        (await store.GetUnfinishedMovesAsync(Token)).Should().BeEmpty();
    }

    protected static OutcomeRecord ReturnedOutcome(string hash) =>
        new(RecordKind.Returned, hash, null, null, null, "changed after it was taken", 0, null, null);

    protected static OutcomeRecord ApprovalOutcome(long reviewId, string hash, string person, string reviewedBy) =>
        new(RecordKind.Approval, hash, null, person, ReviewCategories.LowConfidence, $"approved by {reviewedBy}", 1, "jane_roe", 0.41, ReviewedBy: reviewedBy, ReviewId: reviewId);

    // ---- settings ----

    [Fact]
    public async Task Settings_round_trip_and_the_last_write_wins()
    {
        var store = await GivenStoreAsync();

        (await store.GetSettingAsync("whitelist", Token)).Should().BeNull();
        await store.SetSettingAsync("whitelist", """["john_doe"]""", Token);
        await store.SetSettingAsync("whitelist", """["john_doe","jane_roe"]""", Token);
        await store.SetSettingAsync("enabled", "false", Token);

        var reopened = OpenStore(Clock);
        (await reopened.GetSettingAsync("whitelist", Token)).Should().Be("""["john_doe","jane_roe"]""");
        (await reopened.GetSettingAsync("enabled", Token)).Should().Be("false");
    }

    // ---- helpers ----

    /// <summary>The folders of a data folder at <paramref name="root"/> (<c>temp_downloads</c> named <c>in</c> in the suite's own root).</summary>
    protected static StorePaths FoldersAt(string root) => StorePaths.For(new DirectoriesOptions
    {
        Inbox = root + (root.Length == 0 ? "/in" : "/temp_downloads"),
        Faces = root + "/faces",
        Review = root + "/review",
    });

    /// <summary>A migrated store on this test's database.</summary>
    protected async Task<FaceSorterStore> GivenStoreAsync()
    {
        var store = OpenStore(Clock);
        await store.MigrateAsync(Token);
        return store;
    }

    protected async Task GivenSortedAsync(FaceSorterStore store, string hash, string from, string to, string? source = null)
    {
        (await store.ClaimContentAsync(hash, from, Token)).IsOriginal.Should().BeTrue();
        var person = Path.GetFileName(Path.GetDirectoryName(to))!;
        var ids = await store.BeginMovesAsync([new PlannedMove(from, to, SortedOutcome(hash, person, source))], Token);
        await store.CompleteMovesAsync([new CompletedMove(ids[0], to)], Token);
    }

    /// <summary>Moves a file into review through the journal; returns the review row's id.</summary>
    protected async Task<long> GivenInReviewAsync(FaceSorterStore store, string hash, string to, string category, string? source = null)
    {
        var ids = await store.BeginMovesAsync([new PlannedMove($"/in/{Path.GetFileName(to)}", to, ReviewOutcome(hash, category, source))], Token);
        await store.CompleteMovesAsync([new CompletedMove(ids[0], to)], Token);
        return (await store.FindReviewByPathAsync(to, Token))!.Id;
    }

    protected static OutcomeRecord SortedOutcome(string hash, string person, string? source = null) =>
        new(RecordKind.Download, hash, source, person, null, "matched " + person, 1, person, 0.93);

    protected static OutcomeRecord ReviewOutcome(string hash, string category, string? source = null) =>
        new(RecordKind.Review, hash, source, null, category, "confidence 0.41 below 0.6", 1, "jane_roe", 0.41);

    private async Task<List<(bool IsOriginal, string Path, ContentClaim Claim)>> ClaimAtOnceAsync(IReadOnlyList<(FaceSorterStore Store, string Path)> claimants, string hash)
    {
        // Every claimant waits on one gate, so the claims hit the database together.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = claimants.Select(claimant => Task.Run(async () =>
        {
            await gate.Task.WaitAsync(Token);
            var claim = await claimant.Store.ClaimContentAsync(hash, claimant.Path, Token);
            return (claim.IsOriginal, claimant.Path, claim);
        })).ToList();
        gate.SetResult();
        return [.. await Task.WhenAll(tasks)];
    }

    private async Task<IReadOnlyList<string>> ColumnsAsync(string table)
    {
        await using var connection = OpenRawConnection();
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM " + table + " WHERE 1 = 0";
        await using var reader = await command.ExecuteReaderAsync(Token);
        return [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)];
    }

    /// <summary>Rows as column name → value (DBNull as null), read the way a user's script would.</summary>
    protected async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string sql)
    {
        await using var connection = OpenRawConnection();
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(Token);
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        while (await reader.ReadAsync(Token))
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.GetValue(i);
                row[reader.GetName(i)] = value is DBNull ? null : value;
            }

            rows.Add(row);
        }

        return rows;
    }
}
