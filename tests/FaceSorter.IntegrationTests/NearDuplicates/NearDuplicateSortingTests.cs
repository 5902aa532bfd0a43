using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FaceSorter.Immich;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Storage;
using Microsoft.Extensions.DependencyInjection;
using NetVips;

namespace FaceSorter.IntegrationTests.NearDuplicates;

/// <summary>
/// Issue 14 on the whole product path (real watcher, real files, real SQLite, emulated Immich over real
/// HTTP, real photos): a picture already known at another size, quality or format goes to
/// <c>review/duplicates/</c> as <c>similar_</c> with a reason naming the earlier copy; distinct look-alikes do not.
/// </summary>
public sealed class NearDuplicateSortingTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private ImmichEmulator _immich = null!;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_immich is not null)
        {
            await _immich.DisposeAsync();
        }

        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_half_size_WebP_of_a_sorted_photo_goes_to_duplicates_naming_the_earlier_copy_the_distance_and_both_sizes()
    {
        await using var daemon = await StartAsync();
        var photo = RealPhotos.All()[0];
        _immich.SetFaces(Sha256(await File.ReadAllBytesAsync(photo, _timeout.Token)), EmulatedFace.Named("Alice"));
        DropOriginal(daemon, photo, "first.jpg");
        var first = Path.Combine(daemon.Faces, "alice", "first.jpg");
        await daemon.UntilSortedAsync(first, "the original sorted", _timeout.Token);

        DropCopy(daemon, photo, "again.webp", image => image.Resize(0.5), "[Q=70]");

        var similar = Path.Combine(daemon.Review, "duplicates", "similar_again.webp");
        await daemon.UntilSortedAsync(similar, "the near copy in duplicates", _timeout.Token);
        var row = (await daemon.ReviewRowsAsync(1, _timeout.Token)).Single();
        using var original = Image.NewFromFile(photo);
        row.Category.Should().Be("duplicates");
        row.Reason.Should().StartWith($"near copy of {first} (distance ")
            .And.Contain($"this {original.Width / 2}×{original.Height / 2}, earlier {original.Width}×{original.Height}: the earlier one has more pixels");
        _immich.Uploads.Should().ContainSingle("a near duplicate is never sent to Immich");
        var stats = await daemon.Store.GetStatsAsync(7, TimeProvider.System.GetUtcNow().AddMinutes(1), _timeout.Token);
        stats.NearDuplicates.Should().Be(1);
        stats.ExactDuplicates.Should().Be(0);
    }

    [Fact]
    public async Task A_near_copy_is_sorted_during_an_Immich_outage_that_fills_the_pipeline()
    {
        await using var daemon = await StartAsync(cfg => cfg["PipelineCapacity"] = 2); // two queue for Immich beside its six workers
        var photo = RealPhotos.All()[0];
        _immich.SetFaces(Sha256(await File.ReadAllBytesAsync(photo, _timeout.Token)), EmulatedFace.Named("Alice"));
        DropOriginal(daemon, photo, "first.jpg");
        var first = Path.Combine(daemon.Faces, "alice", "first.jpg");
        await daemon.UntilSortedAsync(first, "the original sorted", _timeout.Token);
        await _immich.StopAsync();

        var waiting = Enumerable.Range(0, 16).Select(i => TestImages.Write(daemon.Inbox, $"needs_immich_{i}.jpg", TestImages.Jpeg(300 + i))).ToList();
        var ledger = daemon.Host.Services.GetRequiredService<FaceSorter.Pipeline.InboxLedger>();
        await Eventually.UntilAsync(() => ledger.WaitingForImmichCount > 0, TimeSpan.FromSeconds(30), "files that need Immich are set aside once the pipeline is full", _timeout.Token);
        DropCopy(daemon, photo, "again.webp", image => image.Resize(0.5), "[Q=70]");

        await Eventually.UntilAsync(() => File.Exists(Path.Combine(daemon.Review, "duplicates", "similar_again.webp")), TimeSpan.FromSeconds(30),
            "the near copy needs no Immich: it is sorted during the outage", _timeout.Token);
        waiting.Should().OnlyContain(path => File.Exists(path), "nothing that needs Immich is decided during the outage");
    }

    [Fact]
    public async Task An_original_waiting_through_an_outage_and_a_restart_is_sorted_and_never_called_a_copy_of_its_own_near_copy()
    {
        var photo = RealPhotos.All()[0];
        await using (var daemon = await TestDaemon.StartAsync(_folder.Path, cfg => cfg["Immich"]!["Url"] = "http://127.0.0.1:9", _timeout.Token))
        {
            // Immich is down: the original waits in the drop folder; the near copy needs no Immich.
            DropOriginal(daemon, photo, "first.jpg");
            await Eventually.UntilAsync(async () => (await daemon.Store.ListFingerprintsAsync(_timeout.Token)).Count == 1, TimeSpan.FromSeconds(30), "the original claimed and fingerprinted", _timeout.Token);
            DropCopy(daemon, photo, "again.jpg", image => image.Resize(0.5), "[Q=60]");
            var similar = Path.Combine(daemon.Review, "duplicates", "similar_again.jpg");
            await Eventually.UntilAsync(() => File.Exists(similar), TimeSpan.FromSeconds(30), "the near copy decided without Immich (the original stays in flight)", _timeout.Token);
            await daemon.ReviewRowsAsync(1, _timeout.Token);
            File.Exists(Path.Combine(daemon.Inbox, "first.jpg")).Should().BeTrue("the original still waits for Immich");
        }

        // Restarted with Immich back: the original is checked again and must find no *earlier* copy.
        _immich = await ImmichEmulator.StartAsync("3.1.0", _timeout.Token);
        _immich.SetFaces(Sha256(await File.ReadAllBytesAsync(photo, _timeout.Token)), EmulatedFace.Named("Alice"));
        await using var again = await StartAgainAsync();
        var first = Path.Combine(again.Faces, "alice", "first.jpg");
        await again.UntilSortedAsync(first, "the original sorted to its person after the restart", _timeout.Token);
        (await again.ReviewRowsAsync(1, _timeout.Token)).Should().ContainSingle()
            .Which.Reason.Should().StartWith($"near copy of {first} (distance ", "the only near copy is of the original, named where it is now");
    }

    [Fact]
    public async Task An_original_left_waiting_by_scans_during_an_outage_is_never_called_a_copy_of_its_own_near_copy()
    {
        // Each scan leaves the original in the drop folder (Immich is down) and must keep its claim:
        // given up, the next scan's claim would come after the near copy's, and the original would be
        // sent to review as a copy of its copy (new-user trial, issue 14).
        var config = TestConfig.Write(_folder.Path, cfg => cfg["Immich"]!["Url"] = "http://127.0.0.1:9");
        var inbox = Path.Combine(_folder.Path, "data", "temp_downloads");
        Directory.CreateDirectory(inbox);
        var photo = RealPhotos.All()[0];
        File.Copy(photo, Path.Combine(inbox, "shot.jpg"));
        (await CliRun.RunAsync(config, _timeout.Token, "scan")).ExitCode.Should().Be(0);
        using (var image = Image.NewFromFile(photo))
        using (var small = image.Resize(0.5))
        {
            small.WriteToFile(Path.Combine(inbox, "shot_small.webp") + "[Q=75]");
        }

        var second = await CliRun.RunAsync(config, _timeout.Token, "scan");
        File.Exists(Path.Combine(_folder.Path, "data", "review", "duplicates", "similar_shot_small.webp")).Should().BeTrue(second.Stdout + second.Stderr);

        var third = await CliRun.RunAsync(config, _timeout.Token, "scan");

        third.ExitCode.Should().Be(0, third.Stdout + third.Stderr);
        File.Exists(Path.Combine(inbox, "shot.jpg")).Should().BeTrue("the original still waits for Immich: " + third.Stdout + third.Stderr);
        Directory.GetFiles(Path.Combine(_folder.Path, "data", "review", "duplicates")).Select(Path.GetFileName).Should().Equal(["similar_shot_small.webp"]);
    }

    [Fact]
    public async Task A_near_copy_of_a_rejected_picture_says_so()
    {
        await using var daemon = await StartAsync();
        var photo = RealPhotos.All()[1];
        DropOriginal(daemon, photo, "first.jpg");
        var first = Path.Combine(daemon.Review, "unidentified", "noface_first.jpg");
        await daemon.UntilSortedAsync(first, "the original in review", _timeout.Token);
        var pending = (await daemon.ReviewRowsAsync(1, _timeout.Token)).Single();
        (await daemon.Store.RejectAsync(pending.Id, "test", _timeout.Token)).Should().BeTrue();

        DropCopy(daemon, photo, "again.jpg", image => image.Copy(), "[Q=30]");

        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "duplicates", "similar_again.jpg"), "the near copy in duplicates", _timeout.Token);
        var row = (await daemon.ReviewRowsAsync(2, _timeout.Token)).Single(item => item.Category == "duplicates");
        row.Reason.Should().StartWith($"near copy of a rejected picture ({first})");
    }

    [Fact]
    public async Task The_same_scene_shifted_by_a_quarter_is_a_photo_of_its_own()
    {
        await using var daemon = await StartAsync();
        var photo = RealPhotos.All()[2];
        DropCopy(daemon, photo, "left.jpg", image => image.Crop(0, 0, image.Width * 3 / 4, image.Height), "");
        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "noface_left.jpg"), "the first scene", _timeout.Token);

        DropCopy(daemon, photo, "right.jpg", image => image.Crop(image.Width / 4, 0, image.Width * 3 / 4, image.Height), "");

        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "noface_right.jpg"), "the shifted scene checked for faces", _timeout.Token);
        Directory.GetFiles(Path.Combine(daemon.Review, "duplicates")).Should().BeEmpty();
    }

    [Fact]
    public async Task NearDuplicateMaxDistance_0_switches_the_rule_off()
    {
        await using var daemon = await StartAsync(cfg => cfg["NearDuplicateMaxDistance"] = 0);
        var photo = RealPhotos.All()[3];
        DropOriginal(daemon, photo, "first.jpg");
        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "noface_first.jpg"), "the original", _timeout.Token);

        DropCopy(daemon, photo, "again.png", image => image.Copy(), "");

        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "noface_again.png"), "the copy checked for faces", _timeout.Token);
    }

    private async Task<TestDaemon> StartAsync(Action<JsonObject>? configure = null)
    {
        _immich = await ImmichEmulator.StartAsync("3.1.0", _timeout.Token);
        return await TestDaemon.StartAsync(_folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = _immich.Url;
            cfg["Immich"]!["ApiKey"] = _immich.ApiKey;
            configure?.Invoke(cfg);
        }, _timeout.Token);
    }

    private Task<TestDaemon> StartAgainAsync() => TestDaemon.StartAsync(_folder.Path, cfg =>
    {
        cfg["Immich"]!["Url"] = _immich.Url;
        cfg["Immich"]!["ApiKey"] = _immich.ApiKey;
    }, _timeout.Token);

    /// <summary>Copies <paramref name="photo"/> byte for byte beside the drop folder, then renames it in (a finished download).</summary>
    private void DropOriginal(TestDaemon daemon, string photo, string name)
    {
        var path = Path.Combine(Staging(), name);
        File.Copy(photo, path);
        File.Move(path, Path.Combine(daemon.Inbox, name));
    }

    /// <summary>Writes <paramref name="make"/>(<paramref name="photo"/>) beside the drop folder with libvips' <paramref name="saveOptions"/>, then renames it in.</summary>
    private void DropCopy(TestDaemon daemon, string photo, string name, Func<Image, Image> make, string saveOptions)
    {
        var path = Path.Combine(Staging(), name);
        using (var image = Image.NewFromFile(photo))
        using (var copy = make(image))
        {
            copy.WriteToFile(path + saveOptions);
        }

        File.Move(path, Path.Combine(daemon.Inbox, name));
    }

    private string Staging() => Directory.CreateDirectory(Path.Combine(_folder.Path, "staging")).FullName;

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
