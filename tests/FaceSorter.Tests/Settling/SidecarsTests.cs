using FaceSorter.Settling;

namespace FaceSorter.Tests.Settling;

/// <summary>One case per line of <see cref="Sidecars"/>: the sidecar, the tool, and the owner it finds among its neighbours.</summary>
public sealed class SidecarsTests
{
    [Theory]
    [InlineData("photo.jpg.xmp", "darktable", "photo.jpg", "photo.jpg|photo.png")]
    [InlineData("photo.xmp", "Lightroom", "photo.jpg", "photo.jpg|other.jpg")]
    [InlineData("IMG_1.CR3.pp3", "RawTherapee", "IMG_1.CR3", "IMG_1.CR3")]
    [InlineData("127.0.0.1_photo.png.json", "gallery-dl", "127.0.0.1_photo.png", "127.0.0.1_photo.png|info.json")]
    [InlineData("127.0.0.1_photo.png.txt", "gallery-dl", "127.0.0.1_photo.png", "127.0.0.1_photo.png")]
    [InlineData("clip.info.json", "yt-dlp", "clip.mp4", "clip.mp4|clip.webp|clip.description")]
    [InlineData("clip.description", "yt-dlp", "clip.webm", "clip.webm")]
    [InlineData("clip.live_chat.json", "yt-dlp", "clip.mp4", "clip.mp4")]
    [InlineData("clip.annotations.xml", "yt-dlp", "clip.mp4", "clip.mp4")]
    [InlineData("clip.en.vtt", "yt-dlp", "clip.mp4", "clip.mp4|clip.en.srt")]
    [InlineData("clip.de.srt", "yt-dlp", "clip.mkv", "clip.mkv")]
    [InlineData("clip.en.ass", "yt-dlp", "clip.mkv", "clip.mkv")]
    [InlineData("clip.en.lrc", "yt-dlp", "clip.m4a", "clip.m4a")]
    [InlineData("clip.en.ttml", "yt-dlp", "clip.mp4", "clip.mp4")]
    [InlineData("clip.en.srv3", "yt-dlp", "clip.mp4", "clip.mp4")]
    [InlineData("clip.en.json3", "yt-dlp", "clip.mp4", "clip.mp4")]
    [InlineData("clip.url", "yt-dlp", "clip.mp4", "clip.mp4")]
    [InlineData("clip.webloc", "yt-dlp", "clip.mp4", "clip.mp4")]
    [InlineData("clip.desktop", "yt-dlp", "clip.mp4", "clip.mp4")]
    public void Each_sidecar_kind_finds_its_owner_by_name(string sidecar, string tool, string owner, string neighbours)
    {
        Sidecars.IsSidecar(sidecar).Should().BeTrue();
        Sidecars.ToolOf(sidecar).Should().Contain(tool);
        var found = Sidecars.FindOwner(sidecar, [sidecar, .. neighbours.Split('|')]);
        found.Should().NotBeNull();
        found!.Name.Should().Be(owner);
        found.StillDownloading.Should().BeFalse();
    }

    [Fact]
    public void Gallery_dl_info_json_describes_a_whole_folder_and_has_no_owner()
    {
        Sidecars.IsSidecar("info.json").Should().BeTrue();
        Sidecars.DescribesWholeFolder("info.json").Should().BeTrue();
        Sidecars.FindOwner("info.json", ["photo.png", "photo.png.json"]).Should().BeNull();
    }

    [Theory]
    [InlineData("photo.jpg")]
    [InlineData("clip.mp4")]
    [InlineData("clip.webp")] // a thumbnail is a picture of its own
    [InlineData("data.json")]
    [InlineData("notes.txt")]
    public void A_file_that_describes_nothing_else_is_no_sidecar(string name) => Sidecars.IsSidecar(name).Should().BeFalse();

    [Fact]
    public void Yt_dlp_sidecars_belong_to_the_video_never_to_its_thumbnail() =>
        Sidecars.FindOwner("clip.info.json", ["clip.webp", "clip.jpg"]).Should().BeNull();

    [Fact]
    public void An_owner_still_downloading_is_found_by_its_working_file()
    {
        var found = Sidecars.FindOwner("clip.info.json", ["clip.mp4.part", "clip.mp4.ytdl", "clip.mp4.part-Frag1"]);
        found.Should().Be(new OwnerMatch("clip.mp4", StillDownloading: true, Rank: 1));
    }

    [Fact]
    public void The_exact_owner_wins_over_one_with_the_same_stem() =>
        Sidecars.FindOwner("photo.jpg.xmp", ["photo.jpg.png", "photo.jpg"])!.Name.Should().Be("photo.jpg");

    [Fact]
    public void A_sidecar_is_never_the_owner_of_another() =>
        Sidecars.FindOwner("photo.xmp", ["photo.pp3", "photo.description"]).Should().BeNull();

    [Theory]
    [InlineData("photo2.png.xmp", "photo2.png", "noface_photo2.png", "noface_photo2.png.xmp")]
    [InlineData("photo2.png.xmp", "photo2.png", "invalid_photo2_20260101_120000.png", "invalid_photo2_20260101_120000.png.xmp")]
    [InlineData("photo.xmp", "photo.jpg", "dup_photo.jpg", "dup_photo.xmp")]
    [InlineData("photo.xmp", "photo.jpg", "photo_20260101_120000_1.jpg", "photo_20260101_120000_1.xmp")]
    [InlineData("clip.en.vtt", "clip.mp4", "invalid_clip.mp4", "invalid_clip.en.vtt")]
    [InlineData("clip.info.json", "clip.mp4", "clip.mp4", "clip.info.json")]
    public void A_sidecar_takes_its_owners_final_name_prefix_and_clash_suffix_included(string sidecar, string owner, string ownerFinal, string expected) =>
        Sidecars.FollowName(sidecar, owner, ownerFinal).Should().Be(expected);

    [Theory]
    [InlineData("photo2.png.xmp", "photo2.png")]
    [InlineData("photo.xmp", "photo.*")]
    [InlineData("clip.en.vtt", "clip.*")]
    public void An_orphans_owner_is_described_by_name(string sidecar, string description) =>
        Sidecars.DescribeOwner(sidecar).Should().Be(description);
}
