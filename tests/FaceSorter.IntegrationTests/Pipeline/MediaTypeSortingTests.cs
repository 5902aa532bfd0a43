using System.Security.Cryptography;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// Types as data, through the real daemon against the emulated Immich v2.7.5 (which, like the real
/// one, decides an upload by its file name's extension alone): what is sent, under which name, and
/// what goes to <c>invalid_</c> with its type named. The file on disk always keeps its own name.
/// </summary>
public sealed class MediaTypeSortingTests() : EmulatedImmichTest(immichVersion: "2.7.5")
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // A Canon CR3: an ISO base media file whose ftyp box names the brand "crx ".
    private static readonly byte[] Cr3Header = [0, 0, 0, 0x18, .. "ftypcrx "u8, 0, 0, 0, 1, .. "crx isom"u8];

    private static readonly byte[] Mp4Header = [0, 0, 0, 0x1C, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2avc1mp41"u8];

    private static readonly byte[] IconHeader = [0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 0, 4, 0, 0, 22, 0, 0, 0];

    private Task<TestDaemon> StartDaemonAsync() => TestDaemon.StartAsync(Folder.Path, cfg =>
    {
        cfg["Immich"]!["Url"] = Immich.Url;
        cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
    }, Token);

    private byte[] GivenAlice(byte[] content)
    {
        Immich.SetFaces(Convert.ToHexStringLower(SHA256.HashData(content)), EmulatedFace.Named("Alice"));
        return content;
    }

    [Fact]
    public async Task A_PNG_named_jfif_is_uploaded_as_a_png_and_sorted_under_its_own_name()
    {
        await using var daemon = await StartDaemonAsync();

        TestImages.Write(daemon.Inbox, "download.jfif", GivenAlice(TestImages.Png(1)));

        await Eventually.UntilAsync(() => File.Exists(Path.Combine(daemon.Faces, "alice", "download.jfif")), Deadline, "sorted under its own name", Token);
        var upload = Immich.Uploads.Single();
        upload.FileName.Should().Be("download.png");
        upload.Fields["filename"].Should().Be("download.png");
        upload.Status.Should().Be(201);
    }

    [Fact]
    public async Task A_Canon_CR3_is_recognised_and_uploaded()
    {
        await using var daemon = await StartDaemonAsync();

        TestImages.Write(daemon.Inbox, "IMG_0001.CR3", GivenAlice(TestImages.WithHeader(Cr3Header, 2)));

        await Eventually.UntilAsync(() => File.Exists(Path.Combine(daemon.Faces, "alice", "IMG_0001.CR3")), Deadline, "sorted, not invalid", Token);
        Immich.Uploads.Single().FileName.Should().Be("IMG_0001.cr3");
    }

    [Fact]
    public async Task A_video_is_uploaded_like_an_image_in_Upload_mode()
    {
        await using var daemon = await StartDaemonAsync();

        TestImages.Write(daemon.Inbox, "clip", GivenAlice(TestImages.WithHeader(Mp4Header, 3)));

        await Eventually.UntilAsync(() => File.Exists(Path.Combine(daemon.Faces, "alice", "clip")), Deadline, "sorted", Token);
        Immich.Uploads.Single().FileName.Should().Be("clip.mp4");
    }

    [Fact]
    public async Task An_icon_which_Immich_does_not_accept_goes_to_invalid_with_its_type_named()
    {
        await using var daemon = await StartDaemonAsync();

        TestImages.Write(daemon.Inbox, "favicon.ico", TestImages.WithHeader(IconHeader, 4));

        var row = (await daemon.ReviewRowsAsync(1, Token)).Single();
        row.FilePath.Should().Be(Path.Combine(daemon.Review, "unidentified", "invalid_favicon.ico"));
        row.Reason.Should().Be("a Windows icon (ICO): Immich does not accept .ico or .cur (per Immich v2.7.5's media types)");
        File.Exists(row.FilePath).Should().BeTrue();
        Immich.Uploads.Should().BeEmpty();
    }

    [Fact]
    public async Task The_list_comes_from_the_server_so_a_WebP_goes_to_invalid_when_the_server_lacks_webp()
    {
        Immich.MediaTypes = Immich.MediaTypes with { Image = [.. Immich.MediaTypes.Image.Where(extension => extension != ".webp")] };
        await using var daemon = await StartDaemonAsync();

        TestImages.Write(daemon.Inbox, "pic.webp", TestImages.WebP(5));

        var row = (await daemon.ReviewRowsAsync(1, Token)).Single();
        row.FilePath.Should().Be(Path.Combine(daemon.Review, "unidentified", "invalid_pic.webp"));
        row.Reason.Should().Be("a WebP image: Immich does not accept .webp (per Immich v2.7.5's media types)");
        Immich.Uploads.Should().BeEmpty();
    }

    [Theory]
    [InlineData("line\nbreak.png", "line_break.png")]
    [InlineData("-leading \"quote\".png", "leading _quote_.png")]
    public async Task A_name_a_request_cannot_carry_is_uploaded_safely_and_sorted_with_its_real_name(string realName, string sentName)
    {
        await using var daemon = await StartDaemonAsync();

        TestImages.Write(daemon.Inbox, realName, GivenAlice(TestImages.Png(6)));

        await Eventually.UntilAsync(() => File.Exists(Path.Combine(daemon.Faces, "alice", realName)), Deadline, "sorted with its real name", Token);
        Directory.GetFiles(Path.Combine(daemon.Faces, "alice")).Select(Path.GetFileName).Should().Equal(realName);
        var upload = Immich.Uploads.Single();
        upload.FileName.Should().Be(sentName);
        upload.Fields["filename"].Should().Be(sentName);
        (await daemon.Store.GetHeldFilesAsync(Token)).Should().BeEmpty();
    }
}
