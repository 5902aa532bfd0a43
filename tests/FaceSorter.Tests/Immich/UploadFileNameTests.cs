using System.Text;
using FaceSorter.Immich.Upload;

namespace FaceSorter.Tests.Immich;

public sealed class UploadFileNameTests
{
    [Theory]
    [InlineData("line\nbreak.png", ".png", "line_break.png")]
    [InlineData("-leading \"quote\".png", ".png", "leading _quote_.png")]
    [InlineData("..hidden.png", ".png", "hidden.png")]
    [InlineData(".png", ".png", "file.png")]
    [InlineData("image?id=3", ".jpg", "image_id_3.jpg")]
    [InlineData("photo.jpg_large", ".jpg", "photo.jpg")]
    [InlineData("tab\there\r.JPG", ".JPG", "tab_here_.jpg")]
    [InlineData("back\\slash 'single' <b>.gif", ".gif", "back_slash _single_ _b_.gif")]
    [InlineData("Ünïcode 日本.png", ".png", "Ünïcode 日本.png")]
    [InlineData("trailing dots... .png", ".png", "trailing dots.png")]
    public void The_name_sent_to_Immich_keeps_only_safe_characters(string realName, string extension, string expected) =>
        UploadFileName.For(realName, extension).Should().Be(expected);

    [Fact]
    public void A_long_multibyte_name_is_cut_on_a_character_boundary()
    {
        var realName = new string('é', 127) + ".png"; // 254 + 4 bytes, the most a Linux name holds

        var sent = UploadFileName.For(realName, ".png");

        Encoding.UTF8.GetByteCount(Path.GetFileNameWithoutExtension(sent)).Should().BeLessThanOrEqualTo(UploadFileName.MaxStemBytes);
        sent.Should().Be(new string('é', 50) + ".png");
    }

    [Fact]
    public void The_header_copy_is_plain_ascii() =>
        UploadFileName.Ascii("Ünïcode 日本.png").Should().Be("_n_code __.png");

    [Theory]
    [InlineData("\u0001\u001f\u007f.png")]
    [InlineData("- -.png")]
    [InlineData("\"'\"'.png")]
    public void Names_of_nothing_but_unsafe_characters_still_give_a_name(string realName)
    {
        var sent = UploadFileName.For(realName, ".png");

        sent.Should().MatchRegex("^[A-Za-z0-9_][A-Za-z0-9_. -]*\\.png$");
    }
}
