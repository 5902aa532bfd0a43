using System.Security.Cryptography;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Pipeline;
using FaceSorter.Storage;
using Microsoft.Data.Sqlite;
using FaceSorter.Review;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// A full disk or store is not the file's fault (docs/operations.md, "A full disk"): the file stays in the drop
/// folder with its reason and is sorted by itself once space is freed, without a restart. The disk is really full
/// (a small tmpfs, filled) and the store really cannot grow (SQLite's max_page_count).
/// </summary>
public sealed class DiskFullTests : EmulatedImmichTest, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly SmallFilesystem _collection = new();

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    [Fact]
    public async Task A_file_whose_move_finds_the_collection_full_is_held_and_sorted_by_itself_once_space_is_freed()
    {
        await using var daemon = await TestDaemon.StartAsync(Folder.Path, cfg =>
        {
            cfg["Directories"]!["Faces"] = Path.Combine(_collection.Path, "faces");
            cfg["Directories"]!["Review"] = Path.Combine(_collection.Path, "review");
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
        }, Token);
        var picture = TestImages.Jpeg(31, size: 256 * 1024);
        Immich.SetFaces(Sha256(picture), EmulatedFace.Named("Alice Smith"));
        _collection.Fill();
        var dropped = TestImages.Write(daemon.Inbox, "pic.jpg", picture);

        await Eventually.UntilAsync(async () => (await daemon.Store.GetHeldFilesAsync(Token)).Any(held => held.FilePath == dropped && held.Reason.Contains("No space left", StringComparison.Ordinal)), Deadline, "the file held with the full disk as its reason", Token);
        File.Exists(dropped).Should().BeTrue("a file the disk had no room for stays in the drop folder");
        var ledger = daemon.Host.Services.GetRequiredService<InboxLedger>();
        ledger.WaitingForSpaceCount.Should().Be(1, "the file waits for space, not failed until it changes");

        _collection.Free();

        var sorted = Path.Combine(daemon.Faces, "alice_smith", "pic.jpg");
        await daemon.UntilSortedAsync(sorted, "the file sorted by itself once space was freed", Token);
        (await File.ReadAllBytesAsync(sorted, Token)).Should().Equal(picture);
        File.Exists(dropped).Should().BeFalse();
        await Eventually.UntilAsync(async () => (await daemon.Store.GetHeldFilesAsync(Token)).Count == 0, Deadline, "its hold ended with the move", Token);
    }

    [Fact]
    public async Task A_review_decision_the_full_store_cannot_record_is_recorded_by_itself_once_space_is_freed_and_the_daemon_keeps_running()
    {
        // The store and the review folder on the full filesystem: the rejection cannot be written. Before, the
        // review watcher's loop ended on it, which stopped the whole daemon (with exit code 0).
        await using var daemon = await StartOnTheSmallFilesystemAsync(cfg => cfg["Review"]!["RejectGrace"] = "00:00:00.500");
        var (item, id) = await GivenReviewItemAsync(daemon);
        var monitor = daemon.Host.Services.GetRequiredService<ReviewMonitor>();
        _collection.Fill();

        File.Delete(item); // the user's rejection, in the file manager

        await Eventually.HoldsForAsync(() => monitor.ExecuteTask is { IsCompleted: false }, TimeSpan.FromSeconds(3), "the review watcher keeps running while the store is full", Token);
        (await daemon.Store.GetReviewItemAsync(id, Token))!.Action.Should().Be(ReviewAction.Pending, "nothing could be recorded");
        _collection.Free();

        await Eventually.UntilAsync(async () => (await daemon.Store.GetReviewItemAsync(id, Token))!.Action == ReviewAction.Rejected, Deadline, "the rejection recorded by itself, well before the next RescanInterval (5 min)", Token);
        daemon.Host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested.Should().BeFalse();
    }

    [Fact]
    public async Task An_approval_the_full_disk_stops_leaves_the_file_in_review_and_no_empty_person_folder()
    {
        await using var daemon = await StartOnTheSmallFilesystemAsync(_ => { });
        var (item, id) = await GivenReviewItemAsync(daemon);
        _collection.Fill();

        var result = await daemon.Host.Services.GetRequiredService<ReviewActions>().ApproveAsync(id, "Bob", "cli", Token);

        result.Outcome.Should().Be(ReviewOutcome.NotDone, "a full disk is said as the reason, not thrown as a crash");
        result.Message.Should().Contain("could not be moved to faces/bob/").And.Contain("It stays in review/");
        (await daemon.Store.GetReviewItemAsync(id, Token))!.Action.Should().Be(ReviewAction.Pending);
        File.Exists(item).Should().BeTrue("nothing moved");
        Directory.Exists(Path.Combine(daemon.Faces, "bob")).Should().BeFalse("an empty person folder would look like one the user made");
    }

    /// <summary>A daemon whose store, faces/ and review/ are on the small filesystem, which a test can fill.</summary>
    private async Task<TestDaemon> StartOnTheSmallFilesystemAsync(Action<System.Text.Json.Nodes.JsonObject> configure) =>
        await TestDaemon.StartAsync(Folder.Path, cfg =>
        {
            cfg["Database"]!["ConnectionString"] = $"Data Source={Path.Combine(_collection.Path, "facesorter.db")}";
            cfg["Directories"]!["Faces"] = Path.Combine(_collection.Path, "faces");
            cfg["Directories"]!["Review"] = Path.Combine(_collection.Path, "review");
            configure(cfg);
        }, Token);

    /// <summary>A text file dropped in and put into review: its path there and its review item's id.</summary>
    private async Task<(string Item, long Id)> GivenReviewItemAsync(TestDaemon daemon)
    {
        var item = Path.Combine(daemon.Review, "unidentified", "invalid_notes.jpg");
        TestImages.Write(daemon.Inbox, "notes.jpg", "not a picture"u8.ToArray());
        await daemon.UntilSortedAsync(item, "the text file put into review", Token);
        return (item, (await daemon.Store.FindReviewByPathAsync(item, Token))!.Id);
    }

    [Fact]
    public async Task A_file_the_store_was_too_busy_to_record_is_sorted_by_itself_once_the_lock_is_released()
    {
        // Another program holds SQLite's write lock past the busy timeout (30 s): the file is not at fault. Before,
        // it was failed until it changed, so it stayed in the drop folder until a restart (new-user trial).
        await using var daemon = await TestDaemon.StartAsync(Folder.Path, null, Token);
        var database = Folder.Combine("data", "facesorter.db");
        File.Exists(database).Should().BeTrue();
        await using var other = new SqliteConnection($"Data Source={database};Pooling=False");
        await other.OpenAsync(Token);
        await using (var lockIt = other.CreateCommand())
        {
            lockIt.CommandText = "BEGIN IMMEDIATE; INSERT INTO settings SELECT * FROM settings WHERE 0;";
            await lockIt.ExecuteNonQueryAsync(Token);
        }

        var dropped = TestImages.Write(daemon.Inbox, "notes.jpg", "not a picture"u8.ToArray());
        var ledger = daemon.Host.Services.GetRequiredService<InboxLedger>();
        await Eventually.UntilAsync(() => ledger.WaitingForSpaceCount == 1, TimeSpan.FromSeconds(90), "the file waiting for the store once the busy timeout ran out", Token);
        File.Exists(dropped).Should().BeTrue();

        await using (var release = other.CreateCommand())
        {
            release.CommandText = "ROLLBACK;";
            await release.ExecuteNonQueryAsync(Token);
        }

        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "invalid_notes.jpg"), "the file sorted by itself once the store took writes again", Token);
    }

    [Fact]
    public async Task Scan_json_on_a_full_disk_exits_1_with_one_line_and_the_reason_as_a_json_object()
    {
        var config = TestConfig.Write(Folder.Path, cfg =>
        {
            cfg["Database"]!["ConnectionString"] = $"Data Source={Path.Combine(_collection.Path, "facesorter.db")}";
            cfg["Directories"]!["Faces"] = Path.Combine(_collection.Path, "faces");
            cfg["Directories"]!["Review"] = Path.Combine(_collection.Path, "review");
        });
        _collection.Fill();

        var scan = await CliRun.RunAsync(config, Token, "scan", "--json");

        scan.ExitCode.Should().Be(1, scan.Stdout + scan.Stderr);
        var error = System.Text.Json.Nodes.JsonNode.Parse(scan.Stdout)!.AsObject();
        error["error"]!.GetValue<string>().Should().Be("disk_full");
        error["exit_code"]!.GetValue<int>().Should().Be(1);
        scan.Stderr.Should().Contain("the disk is full").And.NotContain("   at ", "one line, no stack trace");
    }

    [Fact]
    public void A_write_on_a_full_filesystem_is_told_as_a_full_disk_and_a_missing_file_is_not()
    {
        _collection.Fill();
        var write = () => File.WriteAllBytes(Path.Combine(_collection.Path, "more"), new byte[1024 * 1024]);

        var full = write.Should().Throw<IOException>().Which;
        var missing = ((Action)(() => File.ReadAllBytes(Path.Combine(_collection.Path, "nothing-here")))).Should().Throw<IOException>().Which;

        DiskFull.Is(full).Should().BeTrue(full.Message);
        DiskFull.Is(missing).Should().BeFalse(missing.Message);
        DiskFull.Is(new IOException("a file's own read error")).Should().BeFalse();
    }

    [Fact]
    public void A_SQLite_store_that_cannot_grow_is_told_as_full()
    {
        using var connection = new SqliteConnection($"Data Source={Folder.Combine("full.db")};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "CREATE TABLE t (b BLOB); PRAGMA max_page_count = 16;";
            setup.ExecuteNonQuery();
        }

        var grow = () =>
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO t VALUES (zeroblob(100000))";
            insert.ExecuteNonQuery();
        };

        var error = grow.Should().Throw<SqliteException>().Which;
        error.SqliteErrorCode.Should().Be(13, "SQLITE_FULL: " + error.Message);
        DiskFull.Is(error).Should().BeTrue();
    }

    public void Dispose() => _collection.Dispose();
}
