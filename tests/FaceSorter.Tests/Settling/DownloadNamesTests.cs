using FaceSorter.Settling;

namespace FaceSorter.Tests.Settling;

/// <summary>One case per line of <see cref="DownloadNames"/>: the working name, the tool, and the file it becomes.</summary>
public sealed class DownloadNamesTests
{
    [Theory]
    [InlineData("clip.mp4.part-Frag3", "clip.mp4", "yt-dlp")]
    [InlineData("clip.mp4.part-Frag3.part", "clip.mp4", "yt-dlp")]
    [InlineData("clip.flv.part-Seg1-Frag2", "clip.flv", "yt-dlp")]
    [InlineData("clip.mp4-Frag1", "clip.mp4", "yt-dlp")]
    [InlineData("clip.mp4.ytdl", "clip.mp4", "yt-dlp")]
    [InlineData("photo.jpg.part", "photo.jpg", "Firefox")]
    [InlineData("photo.jpg.crdownload", "photo.jpg", "Chrome")]
    [InlineData("file20m.jpg.aria2", "file20m.jpg", "aria2c")]
    [InlineData("file20m.jpg.aria2__temp", "file20m.jpg", "aria2c")]
    [InlineData("photo.jpg.download", "photo.jpg", "Safari")]
    [InlineData("photo.jpg.partial", "photo.jpg", "rclone")]
    [InlineData("photo.jpg.1a2b3c4d.partial", "photo.jpg", "rclone")]
    [InlineData("photo.jpg.!qB", "photo.jpg", "qBittorrent")]
    [InlineData("photo.jpg.!ut", "photo.jpg", "uTorrent")]
    [InlineData("~syncthing~photo.jpg.tmp", "photo.jpg", "Syncthing")]
    [InlineData("photo.jpg.tmp", "photo.jpg", "generic")]
    [InlineData("photo.jpg.facesorter-partial", "photo.jpg", "FaceSorter")]
    [InlineData("clip.temp.mp4", "clip.mp4", "yt-dlp")]
    [InlineData("clip.keyframes.temp.mp4", "clip.mp4", "yt-dlp")]
    [InlineData("clip.f137.mp4", "clip.*", "yt-dlp")]
    [InlineData("clip.f140.m4a", "clip.*", "yt-dlp")]
    [InlineData("clip.fhls-1080p.mp4", "clip.*", "yt-dlp")]
    [InlineData("clip.f137.mp4.part", "clip.*", "Firefox")]
    public void Each_working_name_is_known_with_its_tool_and_the_file_it_becomes(string name, string final, string tool)
    {
        DownloadNames.IsTemporary(name).Should().BeTrue();
        DownloadNames.ToolOf(name).Should().Contain(tool);
        DownloadNames.FinalNameOf(name).Should().Be(final);
    }

    [Theory]
    [InlineData("photo.jpg")]
    [InlineData("partner.jpg")]
    [InlineData("photo.final.jpg")]
    [InlineData("clip.mp4")]
    [InlineData("photo2.png.xmp")]
    [InlineData("holiday-Fragment.jpg")]
    public void A_finished_name_is_not_a_working_name(string name)
    {
        DownloadNames.IsTemporary(name).Should().BeFalse();
        DownloadNames.FinalNameOf(name).Should().BeNull();
    }

    [Theory]
    [InlineData(".syncthing.photo.jpg.tmp")]
    [InlineData(".big2.jpg.0k9aGn")]
    public void A_hidden_name_is_a_working_name(string name) => DownloadNames.IsTemporary(name).Should().BeTrue();

    [Theory]
    [InlineData("clip.mp4.ytdl", "clip.mp4", true)]
    [InlineData("clip.mp4.part", "clip.mp4", true)]
    [InlineData("clip.mp4.part-Frag2", "clip.mp4", true)]
    [InlineData("clip.f137.mp4.part", "clip.mp4", true)]
    [InlineData("clip.f140.m4a.part", "clip.mkv", true)]
    [InlineData("clip.f137.mp4", "clip.mp4", true)]
    [InlineData("clip.mp4.part", "clip2.mp4", false)]
    [InlineData("other.f137.mp4.part", "clip.mp4", false)]
    public void A_file_waits_while_a_working_file_leads_to_it(string working, string name, bool leads) =>
        DownloadNames.LeadsTo(working, name).Should().Be(leads);
}
