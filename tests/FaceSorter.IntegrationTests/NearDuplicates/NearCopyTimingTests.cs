using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FaceSorter.Hashing;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Media;
using FaceSorter.NearDuplicates;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NetVips;

namespace FaceSorter.IntegrationTests.NearDuplicates;

/// <summary>
/// Issue 14, found in a new-user trial: near copies are caught whatever the timing — two dropped together,
/// one whose earlier copy was deleted from the drop folder while it waited, one of a picture just added to
/// <c>faces/</c> by hand (real photos, real files, real SQLite; the daemon tests with the real pipeline and
/// Immich unreachable, which a near copy does not need).
/// </summary>
public sealed class NearCopyTimingTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _timeout.Dispose();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Of_two_near_copies_claimed_in_the_same_millisecond_the_second_is_caught_even_when_its_lookup_is_ready_first()
    {
        var directories = new DirectoriesOptions { Inbox = Folder("in"), Faces = Folder("faces"), Review = Folder("review") };
        var store = FaceSorterStore.ForSqlite($"Data Source={Path.Combine(_folder.Path, "facesorter.db")}", new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero)), StorePaths.For(directories));
        await store.MigrateAsync(_timeout.Token);
        var copies = NearCopies.CopiesOf(RealPhotos.All()[0], directories.Inbox).ToDictionary(copy => copy.Kind, copy => copy.Path);
        var (first, second) = (copies["half"], copies["q30"]);
        using var checker = new NearDuplicateChecker(store, store, new Fingerprinter(), new FingerprintIndex(),
            Microsoft.Extensions.Options.Options.Create(new SortingOptions()), NullLogger<NearDuplicateChecker>.Instance);
        using var order = new ClaimOrder();
        var duplicates = new DuplicateChecker(store);
        var decoder = new PictureDecoder(previewSize: null);

        // Claimed first, then second (the clock stands still: one millisecond); the second's decode is done first.
        using var firstTurn = await order.ClaimAsync(() => duplicates.FindEarlierCopyAsync(Sha256(first), first, _timeout.Token), _timeout.Token);
        using var secondTurn = await order.ClaimAsync(() => duplicates.FindEarlierCopyAsync(Sha256(second), second, _timeout.Token), _timeout.Token);
        var secondLookup = checker.FindEarlierAsync(Sha256(second), second, decoder.Decode(second), _timeout.Token, secondTurn);
        var firstLookup = await checker.FindEarlierAsync(Sha256(first), first, decoder.Decode(first), _timeout.Token, firstTurn);

        firstLookup.Should().BeNull("the first claimed is the earlier copy");
        (await secondLookup).Should().NotBeNull("the second claimed is a near copy of the first").And.Match<Decisions.NearCopy>(near => near.EarlierPath == first);
    }

    [Fact]
    public async Task Near_copies_dropped_together_are_caught_every_time()
    {
        await using var daemon = await StartAsync();
        var photos = RealPhotos.All();
        foreach (var (photo, i) in photos.Select((photo, i) => (photo, i)))
        {
            var staging = Directory.CreateDirectory(Path.Combine(_folder.Path, "staging", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
            var copies = NearCopies.CopiesOf(photo, staging).ToDictionary(copy => copy.Kind, copy => copy.Path);
            foreach (var copy in new[] { copies["half"], copies["q30"] })
            {
                File.Move(copy, Path.Combine(daemon.Inbox, Path.GetFileName(copy))); // both in one go, as one cp
            }
        }

        var duplicates = Path.Combine(daemon.Review, "duplicates");
        await Eventually.UntilAsync(() => Directory.Exists(duplicates) && Directory.GetFiles(duplicates).Length >= photos.Count, TimeSpan.FromSeconds(60),
            "one near copy of each pair in duplicates", _timeout.Token);
        Directory.GetFiles(duplicates).Should().HaveCount(photos.Count).And.OnlyContain(path => Path.GetFileName(path).StartsWith("similar_", StringComparison.Ordinal));
        Directory.GetFiles(daemon.Inbox).Should().HaveCount(photos.Count, "each pair's earlier copy waits for Immich");
    }

    [Fact]
    public async Task A_near_copy_of_a_drop_folder_file_deleted_while_it_waited_is_not_called_a_copy_of_it_and_the_stale_claim_is_released()
    {
        await using var daemon = await StartAsync();
        var copies = NearCopies.CopiesOf(RealPhotos.All()[0], Folder("staging")).ToDictionary(copy => copy.Kind, copy => copy.Path);
        var original = Path.Combine(daemon.Inbox, "sample1.jpg");
        File.Move(copies["half"], original);
        await Eventually.UntilAsync(async () => (await daemon.Store.ListFingerprintsAsync(_timeout.Token)).Count == 1, TimeSpan.FromSeconds(30), "the original claimed and fingerprinted", _timeout.Token);

        File.Delete(original);
        var copy = Path.Combine(daemon.Inbox, "again.jpg");
        File.Move(copies["q30"], copy);

        var similar = Path.Combine(daemon.Review, "duplicates", "similar_again.jpg");
        await Eventually.UntilAsync(async () => File.Exists(similar) || (await daemon.Store.ListDropFolderClaimsAsync(_timeout.Token)).Select(claim => claim.Path).SequenceEqual([copy]),
            TimeSpan.FromSeconds(30), "the copy claimed in place of the deleted original, or called its near copy", _timeout.Token);
        File.Exists(similar).Should().BeFalse("the earlier copy is gone, so nothing is 'being sorted'");
        File.Exists(copy).Should().BeTrue("the copy is now the original and waits for Immich");
    }

    [Fact]
    public async Task A_near_copy_of_a_picture_just_added_to_a_person_by_hand_is_caught_before_the_next_rescan()
    {
        await using var daemon = await StartAsync(cfg => cfg["RescanInterval"] = "00:10:00");
        var copies = NearCopies.CopiesOf(RealPhotos.All()[0], Folder("staging")).ToDictionary(copy => copy.Kind, copy => copy.Path);
        var byHand = Path.Combine(Directory.CreateDirectory(Path.Combine(daemon.Faces, "carol")).FullName, "by_hand.jpg");
        File.Move(copies["half"], byHand);
        await Eventually.UntilAsync(async () => (await daemon.Store.ListFingerprintsAsync(_timeout.Token)).Count == 1, TimeSpan.FromSeconds(30),
            "the picture added by hand fingerprinted without waiting for the rescan", _timeout.Token);

        File.Move(copies["q30"], Path.Combine(daemon.Inbox, "again.jpg"));

        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "duplicates", "similar_again.jpg"), "the near copy in duplicates", _timeout.Token);
        (await daemon.ReviewRowsAsync(1, _timeout.Token)).Single().Reason.Should().StartWith($"near copy of {byHand} (distance ");
    }

    private Task<TestDaemon> StartAsync(Action<JsonObject>? configure = null) =>
        TestDaemon.StartAsync(_folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = "http://127.0.0.1:9";
            configure?.Invoke(cfg);
        }, _timeout.Token);

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_folder.Path, name)).FullName;

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
