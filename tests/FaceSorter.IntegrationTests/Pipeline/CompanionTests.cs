using System.Security.Cryptography;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Storage;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// Sidecars through the real daemon (real watcher, files, SQLite, emulated Immich over HTTP): a
/// sidecar travels with its picture under the picture's final name, is recorded as belonging to it,
/// is never a review item of its own, and stays held in the drop folder when its picture never comes.
/// </summary>
public sealed class CompanionTests : EmulatedImmichTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private const string Xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>";

    private Task<TestDaemon> StartAsync() => TestDaemon.StartAsync(Folder.Path, cfg =>
    {
        cfg["Immich"]!["Url"] = Immich.Url;
        cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
    }, Token);

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    [Fact]
    public async Task A_picture_without_faces_and_its_sidecar_end_side_by_side_with_the_same_prefix()
    {
        await using var daemon = await StartAsync();
        var xmp = Path.Combine(daemon.Inbox, "photo2.jpg.xmp");
        await File.WriteAllTextAsync(xmp, Xmp, Token);
        TestImages.Write(daemon.Inbox, "photo2.jpg", TestImages.Jpeg(21));

        var row = (await daemon.ReviewRowsAsync(1, Token)).Single();
        Path.GetFileName(row.FilePath).Should().StartWith("noface_");
        var sidecar = row.FilePath + ".xmp";
        await Eventually.UntilAsync(async () => (await daemon.Store.ListCompanionsAsync(null, Token)).Count == 1, Deadline, "the sidecar moved and recorded", Token);

        (await File.ReadAllTextAsync(sidecar, Token)).Should().Be(Xmp);
        File.Exists(xmp).Should().BeFalse();
        (await daemon.Store.ListCompanionsAsync(row.FilePath, Token)).Should().ContainSingle().Which.FilePath.Should().Be(sidecar);
        (await daemon.Store.ListReviewAsync(null, null, Token)).Should().ContainSingle("the sidecar is no review item");
        await Eventually.UntilAsync(async () => (await daemon.Store.GetHeldFilesAsync(Token)).Count == 0, Deadline, "nothing held", Token);
    }

    [Fact]
    public async Task A_stem_named_sidecar_follows_its_picture_into_the_persons_folder()
    {
        await using var daemon = await StartAsync();
        var content = TestImages.Jpeg(22);
        Immich.SetFaces(Sha256(content), EmulatedFace.Named("Alice"));
        await File.WriteAllTextAsync(Path.Combine(daemon.Inbox, "photo.xmp"), Xmp, Token);
        TestImages.Write(daemon.Inbox, "photo.jpg", content);

        var sidecar = Path.Combine(daemon.Faces, "alice", "photo.xmp");
        await Eventually.UntilAsync(async () => (await daemon.Store.ListCompanionsAsync(null, Token)).Count == 1, Deadline, "faces/alice/photo.xmp moved and recorded", Token);
        File.Exists(sidecar).Should().BeTrue();

        File.Exists(Path.Combine(daemon.Faces, "alice", "photo.jpg")).Should().BeTrue();
        (await daemon.Store.ListCompanionsAsync(Path.Combine(daemon.Faces, "alice", "photo.jpg"), Token)).Should().ContainSingle();
        (await daemon.Store.ListReviewAsync(null, null, Token)).Should().BeEmpty();
        (await daemon.Store.ListDownloadsAsync(null, Token)).Should().ContainSingle("the sidecar is no download of its own");
    }

    [Fact]
    public async Task A_sidecar_whose_picture_never_comes_stays_in_the_drop_folder_held_with_a_reason()
    {
        await using var daemon = await StartAsync();
        var orphan = Path.Combine(daemon.Inbox, "orphan.jpg.xmp");
        await File.WriteAllTextAsync(orphan, Xmp, Token);

        await Eventually.UntilAsync(async () => (await daemon.Store.GetHeldFilesAsync(Token)).Any(held => held.FilePath == orphan), Deadline, "the orphan held", Token);

        (await daemon.Store.GetHeldFilesAsync(Token)).Single().Reason.Should().Be("sidecar of orphan.jpg, which is not in the drop folder");
        File.Exists(orphan).Should().BeTrue();
        (await daemon.Store.ListReviewAsync(null, null, Token)).Should().BeEmpty();

        // Its picture arrives after all: both go their way together.
        var content = TestImages.Jpeg(23);
        Immich.SetFaces(Sha256(content), EmulatedFace.Named("Bob"));
        TestImages.Write(daemon.Inbox, "orphan.jpg", content);
        var sidecar = Path.Combine(daemon.Faces, "bob", "orphan.jpg.xmp");
        await Eventually.UntilAsync(() => File.Exists(sidecar), Deadline, "faces/bob/orphan.jpg.xmp", Token);
        await Eventually.UntilAsync(async () => (await daemon.Store.GetHeldFilesAsync(Token)).Count == 0, Deadline, "no longer held", Token);
    }

    [Fact]
    public async Task A_sidecar_dropped_after_its_picture_was_sorted_follows_it()
    {
        await using var daemon = await StartAsync();
        var content = TestImages.Jpeg(24);
        Immich.SetFaces(Sha256(content), EmulatedFace.Named("Alice"));
        Directory.CreateDirectory(Path.Combine(daemon.Inbox, "web"));
        TestImages.Write(Path.Combine(daemon.Inbox, "web"), "late.jpg", content);
        var picture = Path.Combine(daemon.Faces, "alice", "late.jpg");
        await Eventually.UntilAsync(() => File.Exists(picture), Deadline, "the picture sorted", Token);

        await File.WriteAllTextAsync(Path.Combine(daemon.Inbox, "web", "late.jpg.xmp"), Xmp, Token);

        var sidecar = Path.Combine(daemon.Faces, "alice", "late.jpg.xmp");
        await Eventually.UntilAsync(async () => (await daemon.Store.ListCompanionsAsync(null, Token)).Count == 1, Deadline, "the late sidecar moved and recorded", Token);
        File.Exists(sidecar).Should().BeTrue();
        (await daemon.Store.ListCompanionsAsync(picture, Token)).Should().ContainSingle().Which.FilePath.Should().Be(sidecar);
    }
}
