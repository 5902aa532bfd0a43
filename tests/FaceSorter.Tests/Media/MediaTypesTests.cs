using System.Buffers.Binary;
using System.Text;
using FaceSorter.Immich.Upload;
using FaceSorter.Media;

namespace FaceSorter.Tests.Media;

/// <summary>
/// One sample per family of the table: its bytes sniff as that family, and the upload of a file
/// with those bytes and a name Immich does not accept (<c>download.bin</c>) carries the extension
/// the table and Immich v2.7.5's list give, or is not sent.
/// </summary>
public sealed class MediaTypesTests
{
    // Family, leading bytes, the extension an upload named download.bin gets from v2.7.5's list (null: not sent).
    public static readonly TheoryData<string, byte[], string?> Samples = new()
    {
        { "JPEG", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, .. "JFIF"u8], ".jpg" },
        { "PNG", [0x89, .. "PNG\r\n"u8, 0x1A, 0x0A, 0, 0, 0, 13, .. "IHDR"u8], ".png" },
        { "GIF", [.. "GIF89a"u8, 1, 0, 1, 0], ".gif" },
        { "WebP", [.. "RIFF"u8, 40, 0, 0, 0, .. "WEBPVP8 "u8], ".webp" },
        { "BMP", Bmp(), ".bmp" },
        { "ICO", [0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 0, 4, 0, 0, 22, 0, 0, 0], null },
        { "PSD", [.. "8BPS"u8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3], ".psd" },
        { "CR2", [.. "II*\0"u8, 0x10, 0, 0, 0, .. "CR"u8, 2, 0], ".cr2" },
        { "ORF", [.. "IIRO"u8, 8, 0, 0, 0], ".orf" },
        { "RW2", [.. "IIU\0"u8, 0x18, 0, 0, 0], ".rw2" },
        { "TIFF", [.. "MM\0*"u8, 0, 0, 0, 8], ".tif" },
        { "IIQ", [.. "IIII"u8, 1, 0, 0, 0], ".iiq" },
        { "RAF", [.. "FUJIFILMCCD-RAW 0201"u8], ".raf" },
        { "X3F", [.. "FOVb"u8, 0, 0, 2, 0], ".x3f" },
        { "MRW", [.. "\0MRM"u8, 0, 0, 0, 32], ".mrw" },
        { "CRW", [.. "II"u8, 0x1A, 0, 0, 0, .. "HEAPCCDR"u8], ".crw" },
        { "ARI", [.. "ARRI"u8, 0x12, 0x34, 0x56, 0x78], ".ari" },
        { "CIN", [0x80, 0x2A, 0x5F, 0xD7, 0, 0, 0x08, 0], ".cin" },
        { "JXL", [0x00, 0x00, 0x00, 0x0C, .. "JXL \r\n"u8, 0x87, 0x0A], ".jxl" },
        { "JP2", [0x00, 0x00, 0x00, 0x0C, .. "jP  \r\n"u8, 0x87, 0x0A, .. FileType("jp2 ", "jp2 ")], ".jp2" },
        { "SVG", "<?xml version=\"1.0\"?>\n<!-- drawn by hand -->\n<!DOCTYPE svg>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray(), ".svg" },
        { "QOI", [.. "qoif"u8, 0, 0, 0, 16, 0, 0, 0, 16, 4, 0], null },
        { "XCF", [.. "gimp xcf v011\0"u8], null },
        { "EXR", [0x76, 0x2F, 0x31, 0x01, 2, 0, 0, 0], null },
        { "CR3", FileType("crx ", "crx ", "isom"), ".cr3" },
        { "AVIF", FileType("avif", "avif", "mif1", "miaf", "MA1B"), ".avif" },
        { "HEIC", FileType("mif1", "mif1", "heic"), ".heic" },
        { "HEIF", FileType("mif1", "mif1"), ".heif" },
        { "MOV", FileType("qt  ", "qt  "), ".mov" },
        { "3G2", FileType("3g2a", "3g2a"), null },
        { "3GP", FileType("3gp4", "isom", "3gp4"), ".3gp" },
        { "M4A", FileType("M4A ", "M4A ", "mp42", "isom"), null },
        { "MP4", FileType("isom", "isom", "iso2", "avc1", "mp41"), ".mp4" },
        { "WebM", Convert.FromHexString("1A45DFA39F4286810142F7810142F2810442F381084282847765626D4287810442858102"), ".webm" },
        { "MKV", Convert.FromHexString("1A45DFA3A34286810142F7810142F2810442F381084282886D6174726F736B614287810442858102"), ".mkv" },
        { "AVI", [.. "RIFF"u8, 0, 0, 0, 0, .. "AVI LIST"u8], ".avi" },
        { "MPEG-TS", TransportStream(0, 188), ".ts" },
        { "MPEG", [0x00, 0x00, 0x01, 0xBA, 0x44], ".mpg" },
        { "FLV", [.. "FLV"u8, 0x01, 0x05, 0, 0, 0, 9], ".flv" },
        { "WMV", Convert.FromHexString("3026B2758E66CF11A6D900AA0062CE6C"), ".wmv" },
        { "MXF", Convert.FromHexString("060E2B34020501010D01020101020400"), ".mxf" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void The_sniffer_and_the_upload_name_agree_with_the_table(string family, byte[] head, string? uploadExtension)
    {
        var type = MediaTypes.Sniff(head);

        type.Should().NotBeNull().And.Be(MediaTypes.All.Single(candidate => candidate.Name == family));
        ImmichMediaTypes.BuiltIn.UploadExtension(type!, ".bin").Should().Be(uploadExtension);
        if (uploadExtension is null)
        {
            ImmichMediaTypes.BuiltIn.WhyNotAccepted(type!).Should().StartWith(type!.Description);
        }
        else
        {
            type!.HasExtension(uploadExtension).Should().BeTrue("an upload carries one of the type's own extensions");
            UploadFileName.For("download.bin", uploadExtension).Should().Be("download" + uploadExtension);
        }
    }

    [Fact]
    public void Every_family_in_the_table_has_a_sample_here() =>
        MediaTypes.All.Select(type => type.Name).Should().BeEquivalentTo(Samples.Select(row => row.Data.Item1));

    [Fact]
    public void Every_family_Immich_accepts_has_its_canonical_extension_accepted()
    {
        foreach (var type in MediaTypes.All.Where(type => type.Extensions.Any(ImmichMediaTypes.BuiltIn.Accepts)))
        {
            ImmichMediaTypes.BuiltIn.Accepts(type.CanonicalExtension).Should().BeTrue($"{type.Name} is sent under its first extension when the file's own is not usable");
        }
    }

    [Fact]
    public void The_second_transport_stream_layout_with_a_timecode_before_each_packet_is_also_a_transport_stream() =>
        MediaTypes.Sniff(TransportStream(4, 192))!.Name.Should().Be("MPEG-TS");

    [Fact]
    public void A_raw_JPEG_2000_codestream_is_a_JPEG_2000_image() =>
        MediaTypes.Sniff([0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x2F])!.Name.Should().Be("JP2");

    [Fact]
    public void A_HEIC_that_names_its_brand_first_is_a_HEIC() =>
        MediaTypes.Sniff(FileType("heic", "mif1", "heic"))!.Name.Should().Be("HEIC");

    [Theory]
    [InlineData("<html><body><svg></svg></body></html>")]
    [InlineData("<?xml version=\"1.0\"?><rss><svg/></rss>")]
    [InlineData("%PDF-1.7")]
    [InlineData("BM is not a bitmap header")]
    [InlineData("just some text, not a JPEG")]
    [InlineData("")]
    public void Other_content_is_no_type_whatever_its_name(string text) =>
        MediaTypes.Sniff(Encoding.UTF8.GetBytes(text)).Should().BeNull();

    [Fact]
    public void Two_transport_stream_packets_are_not_enough_to_call_it_one() =>
        MediaTypes.Sniff(TransportStream(0, 188).AsSpan(0, 188 + 10)).Should().BeNull();

    [Theory]
    [InlineData("download.jfif", "PNG", ".png")]
    [InlineData("photo.jfif", "JPEG", ".jpg")]
    [InlineData("photo.jpg_large", "JPEG", ".jpg")]
    [InlineData("photo.JPEG", "JPEG", ".JPEG")]
    [InlineData("shot.mpo", "JPEG", ".jpg")]
    [InlineData("looks.jpg", "PNG", ".png")]
    [InlineData("DSC_0001.NEF", "TIFF", ".NEF")]
    [InlineData("index.php", "GIF", ".gif")]
    [InlineData("no extension", "WebP", ".webp")]
    public void An_upload_keeps_the_files_own_extension_only_when_it_is_the_types_and_accepted(string name, string family, string expected) =>
        ImmichMediaTypes.BuiltIn.UploadExtension(MediaTypes.All.Single(type => type.Name == family), Path.GetExtension(name)).Should().Be(expected);

    [Fact]
    public void A_server_list_decides_what_is_accepted()
    {
        var v3 = ImmichMediaTypes.Create([.. ImmichMediaTypes.BuiltIn.Image, ".mpo"], ImmichMediaTypes.BuiltIn.Video, "Immich v3.1.0's media types");
        var withoutWebP = ImmichMediaTypes.Create(ImmichMediaTypes.BuiltIn.Image.Where(extension => extension != ".webp"), [], "Immich v2.7.5's media types");
        var jpeg = MediaTypes.All.Single(type => type.Name == "JPEG");
        var webp = MediaTypes.All.Single(type => type.Name == "WebP");

        v3.UploadExtension(jpeg, ".mpo").Should().Be(".mpo");
        withoutWebP.UploadExtension(webp, ".webp").Should().BeNull();
        withoutWebP.WhyNotAccepted(webp).Should().Be("a WebP image: Immich does not accept .webp (per Immich v2.7.5's media types)");
    }

    private static byte[] FileType(string major, params string[] compatible)
    {
        var box = new byte[16 + (4 * compatible.Length)];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        "ftyp"u8.CopyTo(box.AsSpan(4));
        Encoding.Latin1.GetBytes(major).CopyTo(box, 8);
        for (var i = 0; i < compatible.Length; i++)
        {
            Encoding.Latin1.GetBytes(compatible[i]).CopyTo(box, 16 + (4 * i));
        }

        return box;
    }

    private static byte[] Bmp()
    {
        var head = new byte[54];
        "BM"u8.CopyTo(head);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(14), 40);
        return head;
    }

    private static byte[] TransportStream(int first, int stride)
    {
        var bytes = new byte[first + (4 * stride)];
        for (var i = 0; i < 4; i++)
        {
            bytes[first + (i * stride)] = 0x47;
        }

        return bytes;
    }
}
