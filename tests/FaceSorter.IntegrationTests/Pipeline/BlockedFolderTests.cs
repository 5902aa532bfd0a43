using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// A destination folder the running daemon cannot make (a file put in its place after the start) holds only the
/// files bound for it, with a reason that says what is in the way; the others are sorted, and the held ones are
/// tried again by themselves once the way is clear (helper-63's trial).
/// </summary>
public sealed class BlockedFolderTests : EmulatedImmichTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_file_where_a_review_category_folder_goes_holds_only_the_files_bound_there_and_says_so()
    {
        await using var daemon = await TestDaemon.StartAsync(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
        }, Token);
        var picture = TestImages.Jpeg(51);
        Immich.SetFaces(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(picture)), EmulatedFace.Named("Alice Smith"));
        TestImages.Write(daemon.Inbox, "first.jpg", picture);
        await Eventually.UntilAsync(() => Directory.EnumerateFiles(daemon.Faces, "first.jpg", SearchOption.AllDirectories).Any(), Deadline, "the picture sorted into faces/", Token);
        var duplicates = Path.Combine(daemon.Review, "duplicates");
        Directory.Delete(duplicates);
        await File.WriteAllTextAsync(duplicates, "a file where the category folder goes", Token);

        var copy = TestImages.Write(daemon.Inbox, "copy.jpg", picture);
        await Eventually.UntilAsync(async () => (await daemon.Store.GetHeldFilesAsync(Token)).Any(held => held.FilePath == copy), Deadline, "the copy, bound for review/duplicates/, held", Token);
        TestImages.Write(daemon.Inbox, "other.jpg", "another text"u8.ToArray());

        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "invalid_other.jpg"), "another file, bound elsewhere, sorted all the same", Token);
        File.Exists(copy).Should().BeTrue("a file that cannot be moved stays in the drop folder");
        (await daemon.Store.GetHeldFilesAsync(Token)).Should().ContainSingle(held => held.FilePath == copy)
            .Which.Reason.Should().Contain($"{duplicates} cannot be created: {duplicates} is a file, not a folder");

        // Once the way is clear the copy is tried again by itself (DestinationRetry); it had waited until the user touched it.
        File.Delete(duplicates);
        await daemon.UntilSortedAsync(Path.Combine(duplicates, "duplicate_copy.jpg"), "the held copy, tried again without being touched", Token);
        (await daemon.Store.GetHeldFilesAsync(Token)).Should().NotContain(held => held.FilePath == copy);
    }

    [Fact]
    public async Task A_scan_says_a_refused_destination_is_not_the_files_fault_and_what_to_do()
    {
        var config = TestConfig.Write(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
        });
        var picture = TestImages.Jpeg(52);
        Immich.SetFaces(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(picture)), EmulatedFace.Named("Alice Smith"));
        var faces = Directory.CreateDirectory(Path.Combine(Folder.Path, "data", "faces")).FullName;
        await File.WriteAllTextAsync(Path.Combine(faces, "alice_smith"), "a file where the person folder goes", Token);
        var dropped = TestImages.Write(Path.Combine(Folder.Path, "data", "temp_downloads"), "a.jpg", picture);

        var scan = await CliRun.RunAsync(config, Token, "scan");

        scan.ExitCode.Should().Be(0, scan.Stdout + scan.Stderr);
        (scan.Stdout + scan.Stderr).Should().Contain("1 failed")
            .And.Contain($"{Path.Combine(faces, "alice_smith")} is a file, not a folder")
            .And.Contain("its destination refused the move, not the file at fault: make the folder writable, or move away what stands in its place, then scan again")
            .And.NotContain("   at ");
        File.Exists(dropped).Should().BeTrue();
    }
}
