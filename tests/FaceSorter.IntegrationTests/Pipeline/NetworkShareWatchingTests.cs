using System.Security.Cryptography;
using FaceSorter.Immich;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Review;
using FaceSorter.Storage;
using FaceSorter.Watching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// Issue 9 part 5. No NFS server can be mounted here, so the two halves are tested apart: the
/// detection reads local filesystems as local, and with <c>Watching = Poll</c> (no file events at
/// all, as on a share another machine writes) both watchers still find files within a few
/// <c>PollInterval</c>s while the five-minute rescan is far away.
/// </summary>
public sealed class NetworkShareWatchingTests : EmulatedImmichTest
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    [Fact]
    public void Detection_reports_the_test_folders_and_dev_shm_as_local_filesystems()
    {
        var temp = FilesystemType.Of(Folder.Path);
        temp.Should().NotBeNull();
        temp!.EventsReliable.Should().BeTrue("{0} is a local filesystem", temp.Name);
        temp.Name.Should().NotStartWith("unknown");

        var shm = FilesystemType.Of("/dev/shm");
        shm.Should().Be(FilesystemType.FromMagic(0x01021994));
        shm!.Name.Should().Be("tmpfs");

        FilesystemType.Of(Path.Combine(Folder.Path, "not", "yet", "made"))!.Name.Should().Be(temp.Name, "a folder not made yet is on its first existing parent's filesystem");
    }

    [Fact]
    public async Task Forced_polling_without_file_events_still_sorts_a_new_download_and_reads_an_approval_by_move()
    {
        await using var daemon = await TestDaemon.StartAsync(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
            cfg["Watching"] = "Poll";
            cfg["PollInterval"] = PollInterval.ToString();
            cfg["RescanInterval"] = "00:10:00";
            cfg["Review"]!["RejectGrace"] = "00:00:00.5";
        }, Token);
        await daemon.Host.Services.GetServices<IHostedService>().OfType<ReviewMonitor>().Single().Started;
        Immich.SetFaces(Sha256(TestImages.Jpeg(41)), EmulatedFace.Named("Alice"));
        TestImages.Write(daemon.Inbox, "first.jpg", TestImages.Jpeg(41));
        await Eventually.UntilAsync(() => File.Exists(Path.Combine(daemon.Faces, "alice", "first.jpg")), TimeSpan.FromSeconds(15), "the first file sorted", Token);

        // Dropped after the drop folder's first scans: only a poll can find it.
        var content = TestImages.Jpeg(42);
        TestImages.Write(daemon.Inbox, "from another machine.jpg", content);
        var inReview = Path.Combine(daemon.Review, "unidentified", "noface_from another machine.jpg");
        await Eventually.UntilAsync(() => File.Exists(inReview), TimeSpan.FromSeconds(15), "found by a poll and sorted", Token);
        var item = (await daemon.ReviewRowsAsync(1, Token)).Single(row => row.FilePath == inReview);

        // The review watcher polls too: a move into faces/bob/ is read as an approval.
        var approved = Path.Combine(daemon.Faces, "bob", Path.GetFileName(inReview));
        Directory.CreateDirectory(Path.GetDirectoryName(approved)!);
        File.Move(inReview, approved);
        await Eventually.UntilAsync(async () => (await daemon.Store.GetReviewItemAsync(item.Id, Token))!.Action == ReviewAction.Approved, TimeSpan.FromSeconds(15), "approval read by a poll", Token);
        (await daemon.Store.GetReviewItemAsync(item.Id, Token))!.FilePath.Should().Be(approved);
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
