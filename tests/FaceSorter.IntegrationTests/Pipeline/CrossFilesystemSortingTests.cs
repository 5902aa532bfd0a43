using System.Security.Cryptography;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// The daemon with its drop folder on tmpfs (<c>/dev/shm</c>) and its collection on the disk, as a
/// download disk and a NAS would be: files still end in exactly one place, whole, recorded once,
/// with no temporary copy left behind and no name clash overwritten.
/// </summary>
public sealed class CrossFilesystemSortingTests : EmulatedImmichTest, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TempFolder _tmpfs = new("/dev/shm");

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    [Fact]
    public async Task A_file_in_a_drop_folder_on_another_filesystem_is_sorted_whole_and_recorded_once()
    {
        var inbox = Path.Combine(_tmpfs.Path, "inbox");
        await using var daemon = await TestDaemon.StartAsync(Folder.Path, cfg =>
        {
            cfg["Directories"]!["Inbox"] = inbox;
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
        }, Token);
        var first = TestImages.Jpeg(21, size: 2 * 1024 * 1024);
        var second = TestImages.Jpeg(22, size: 64 * 1024);
        Immich.SetFaces(Sha256(first), EmulatedFace.Named("Alice Smith"));
        Immich.SetFaces(Sha256(second), EmulatedFace.Named("Alice Smith"));
        var alice = Path.Combine(daemon.Faces, "alice_smith");
        var earlier = TestImages.Write(alice, "pic.jpg", TestImages.Jpeg(23, size: 1024)); // takes the name of the second one

        TestImages.Write(daemon.Inbox, "big.jpg", first);
        TestImages.Write(daemon.Inbox, "pic.jpg", second);

        await daemon.UntilSortedAsync(Path.Combine(alice, "big.jpg"), "the large file sorted across filesystems", Token);
        await Eventually.UntilAsync(() => Directory.GetFiles(alice).Length == 3 && Directory.GetFiles(daemon.Inbox).Length == 0, Deadline, "both files out of the drop folder", Token);
        (await File.ReadAllBytesAsync(Path.Combine(alice, "big.jpg"), Token)).Should().Equal(first);
        (await File.ReadAllBytesAsync(earlier, Token)).Should().Equal(TestImages.Jpeg(23, size: 1024), "a taken name is never replaced, across filesystems too");
        var clash = Directory.GetFiles(alice, "pic_*.jpg").Should().ContainSingle().Subject;
        (await File.ReadAllBytesAsync(clash, Token)).Should().Equal(second);
        Directory.GetFiles(alice, "*", SearchOption.AllDirectories).Should().NotContain(path => path.EndsWith(".facesorter-partial", StringComparison.Ordinal));
        await Eventually.UntilAsync(async () => (await daemon.Store.ListDownloadsAsync(null, Token)).Count == 2 && (await daemon.Store.GetUnfinishedMovesAsync(Token)).Count == 0, Deadline, "two download rows and no open journal entry", Token);
        (await daemon.Store.ListDownloadsAsync(null, Token)).Select(row => row.FilePath).Should().BeEquivalentTo([Path.Combine(alice, "big.jpg"), clash]);
    }

    public void Dispose() => _tmpfs.Dispose();
}
