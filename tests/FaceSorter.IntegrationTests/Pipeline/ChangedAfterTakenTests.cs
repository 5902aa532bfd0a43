using System.Security.Cryptography;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// The last net against a writer nobody saw: a file that grows after it was sorted (a writer kept
/// writing into the moved inode) goes back to the drop folder, is sorted again with the full
/// content's hash, and its first record is withdrawn.
/// </summary>
public sealed class ChangedAfterTakenTests : EmulatedImmichTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    [Fact]
    public async Task A_file_appended_to_after_it_was_sorted_is_sorted_again_and_its_partial_record_is_withdrawn()
    {
        await using var daemon = await TestDaemon.StartAsync(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
        }, Token);
        var full = TestImages.Jpeg(7, size: 64 * 1024);
        var partial = full[..(full.Length / 2)];
        Immich.SetFaces(Sha256(full), EmulatedFace.Named("Alice Smith"));
        TestImages.Write(daemon.Inbox, "pic.jpg", partial);
        var first = (await daemon.ReviewRowsAsync(1, Token)).Single();
        first.FileHash.Should().Be(Sha256(partial), "the half file was taken: no writer was open when it settled");

        // The writer comes back and writes the rest into the moved file (same inode).
        await using (var append = new FileStream(first.FilePath, FileMode.Append, FileAccess.Write))
        {
            await append.WriteAsync(full.AsMemory(partial.Length), Token);
        }

        var sorted = Path.Combine(daemon.Faces, "alice_smith", "pic.jpg");
        await Eventually.UntilAsync(() => File.Exists(sorted), Deadline, "sorted again, with the full content", Token);
        (await File.ReadAllBytesAsync(sorted, Token)).Should().Equal(full);
        File.Exists(first.FilePath).Should().BeFalse();
        File.Exists(Path.Combine(daemon.Inbox, "pic.jpg")).Should().BeFalse();
        await Eventually.UntilAsync(async () => (await daemon.Store.ListDownloadsAsync(null, Token)).Count == 1, Deadline, "one download row", Token);
        (await daemon.Store.ListDownloadsAsync(null, Token)).Single().FileHash.Should().Be(Sha256(full));
        (await daemon.Store.ListReviewAsync(null, null, Token)).Should().BeEmpty("the record of the half file is withdrawn, not left pointing at a partial hash");
    }
}
