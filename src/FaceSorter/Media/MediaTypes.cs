using System.Text;

namespace FaceSorter.Media;

/// <summary>
/// The one table of media types: per family its extensions and its leading-byte signatures. The sniffer
/// (rule 0 of docs/contracts.md, "Decision rules": is it an image by its bytes?) and the name an upload to
/// Immich carries both read it; which of these Immich takes is the server's list
/// (<see cref="ImmichMediaTypes"/>). Signatures follow each format's specification or, for camera RAW,
/// dcraw/LibRaw's identify(); docs/media-types.md lists them. Order matters only where one signature
/// refines another (CR2 before TIFF); ISO base media files are told apart by brand (<see cref="Sniff"/>).
/// </summary>
public static class MediaTypes
{
    /// <summary>How many leading bytes are read: enough for an <c>ftyp</c> box's compatible brands and an SVG's prologue.</summary>
    public const int HeadLength = 4096;

    private const int TransportPacket = 188;

    public static readonly IReadOnlyList<MediaType> All =
    [
        Image("JPEG", "a JPEG image", [".jpg", ".jpeg", ".jpe", ".jfif", ".jif", ".jfi", ".mpo", ".insp"], new MediaSignature.Magic([0xFF, 0xD8, 0xFF])),
        Image("PNG", "a PNG image", [".png", ".apng"], new MediaSignature.Magic([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])),
        Image("GIF", "a GIF image", [".gif"], new MediaSignature.Magic("GIF87a"u8.ToArray()), new MediaSignature.Magic("GIF89a"u8.ToArray())),
        Image("WebP", "a WebP image", [".webp"], new MediaSignature.Magic((0, "RIFF"u8.ToArray()), (8, "WEBP"u8.ToArray()))),
        Image("BMP", "a BMP image", [".bmp", ".dib"], new MediaSignature.Test("BM and a known DIB header size at byte 14", IsBmp)),
        Image("ICO", "a Windows icon (ICO)", [".ico", ".cur"], new MediaSignature.Test("reserved 0, type 1 (icon) or 2 (cursor), at least one image", IsIcon)),
        Image("PSD", "a Photoshop document (PSD)", [".psd", ".psb"], new MediaSignature.Magic((0, "8BPS"u8.ToArray()), (4, [0x00, 0x01])), new MediaSignature.Magic((0, "8BPS"u8.ToArray()), (4, [0x00, 0x02]))),
        Image("CR2", "a Canon RAW image (CR2)", [".cr2"], new MediaSignature.Magic((0, "II*\0"u8.ToArray()), (8, "CR\u0002\0"u8.ToArray()))),
        Image("ORF", "an Olympus RAW image (ORF)", [".orf", ".ori"], new MediaSignature.Magic("IIRO"u8.ToArray()), new MediaSignature.Magic("IIRS"u8.ToArray()), new MediaSignature.Magic("MMOR"u8.ToArray())),
        Image("RW2", "a Panasonic RAW image (RW2)", [".rw2", ".raw", ".rwl"], new MediaSignature.Magic("IIU\0"u8.ToArray())),
        Image("TIFF", "a TIFF image (or a TIFF-based camera RAW: DNG, NEF, ARW, PEF, …)",
            [".tif", ".tiff", ".dng", ".nef", ".nrw", ".arw", ".sr2", ".srf", ".srw", ".pef", ".erf", ".kdc", ".dcr", ".k25", ".3fr", ".fff", ".mef", ".mos", ".iiq", ".cap"],
            new MediaSignature.Magic("II*\0"u8.ToArray()), new MediaSignature.Magic("MM\0*"u8.ToArray()),
            new MediaSignature.Magic("II+\0"u8.ToArray()), new MediaSignature.Magic("MM\0+"u8.ToArray())),
        Image("IIQ", "a Phase One RAW image (IIQ)", [".iiq", ".cap"], new MediaSignature.Magic("IIII"u8.ToArray()), new MediaSignature.Magic("MMMM"u8.ToArray())),
        Image("RAF", "a Fujifilm RAW image (RAF)", [".raf"], new MediaSignature.Magic("FUJIFILMCCD-RAW"u8.ToArray())),
        Image("X3F", "a Sigma RAW image (X3F)", [".x3f"], new MediaSignature.Magic("FOVb"u8.ToArray())),
        Image("MRW", "a Minolta RAW image (MRW)", [".mrw"], new MediaSignature.Magic("\0MRM"u8.ToArray())),
        Image("CRW", "a Canon RAW image (CRW)", [".crw"], new MediaSignature.Magic((0, "II"u8.ToArray()), (6, "HEAPCCDR"u8.ToArray())), new MediaSignature.Magic((0, "MM"u8.ToArray()), (6, "HEAPCCDR"u8.ToArray()))),
        Image("ARI", "an ARRI RAW image (ARI)", [".ari"], new MediaSignature.Magic([(byte)'A', (byte)'R', (byte)'R', (byte)'I', 0x12, 0x34, 0x56, 0x78])),
        Image("CIN", "a Cineon image (CIN)", [".cin"], new MediaSignature.Magic([0x80, 0x2A, 0x5F, 0xD7]), new MediaSignature.Magic([0xD7, 0x5F, 0x2A, 0x80])),
        Image("JXL", "a JPEG XL image", [".jxl"], new MediaSignature.Magic([0xFF, 0x0A]), new MediaSignature.Magic([0x00, 0x00, 0x00, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' ', 0x0D, 0x0A, 0x87, 0x0A])),
        Image("JP2", "a JPEG 2000 image", [".jp2", ".j2k", ".j2c", ".jpc", ".jpf", ".jpx"],
            new MediaSignature.Magic([0x00, 0x00, 0x00, 0x0C, (byte)'j', (byte)'P', (byte)' ', (byte)' ', 0x0D, 0x0A, 0x87, 0x0A]), new MediaSignature.Magic([0xFF, 0x4F, 0xFF, 0x51])),
        Image("SVG", "an SVG image", [".svg"], new MediaSignature.Test("<svg, after an optional BOM, XML declaration, comments and doctype, in the first 4 KB", IsSvg)),
        Image("QOI", "a QOI image", [".qoi"], new MediaSignature.Magic("qoif"u8.ToArray())),
        Image("XCF", "a GIMP image (XCF)", [".xcf"], new MediaSignature.Magic("gimp xcf "u8.ToArray())),
        Image("EXR", "an OpenEXR image", [".exr"], new MediaSignature.Magic([0x76, 0x2F, 0x31, 0x01])),

        // ISO base media files, by brand (ISO/IEC 14496-12; brands as registered at mp4ra.org).
        Image("CR3", "a Canon RAW image (CR3)", [".cr3"], new MediaSignature.Brands("crx ")),
        Image("AVIF", "an AVIF image", [".avif"], new MediaSignature.Brands("avif", "avis")),
        Image("HEIC", "a HEIC image", [".heic", ".heif", ".hif"], new MediaSignature.Brands("heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs")),
        Image("HEIF", "a HEIF image", [".heif", ".heic", ".hif"], new MediaSignature.Brands("mif1", "mif2", "msf1", "miaf")),
        Video("MOV", "a QuickTime video (MOV)", [".mov", ".qt"], new MediaSignature.Brands("qt  ")),
        Video("3G2", "a 3GPP2 video (3G2)", [".3g2", ".3gp2"], new MediaSignature.Brands("3g2a", "3g2b", "3g2c")),
        Video("3GP", "a 3GPP video (3GP)", [".3gp", ".3gpp"], new MediaSignature.Brands("3gp4", "3gp5", "3gp6", "3gp7", "3gp8", "3gp9", "3ge6", "3ge7", "3gg6", "3gs7")),
        new MediaType("M4A", "an MPEG-4 audio file (M4A)", MediaKind.Audio, [".m4a", ".m4b", ".m4p"], [new MediaSignature.Brands("M4A ", "M4B ", "M4P ", "F4A ", "F4B ")]),
        Video("MP4", "an MP4 video", [".mp4", ".m4v", ".insv", ".f4v"],
            new MediaSignature.Brands("isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9", "mp41", "mp42", "mp71", "avc1", "dash", "M4V ", "M4VH", "M4VP", "f4v ", "MSNV", "XAVC", "mmp4")),

        Video("WebM", "a WebM video", [".webm"], new MediaSignature.Test("EBML header with DocType webm", head => IsMatroska(head, "webm"u8))),
        Video("MKV", "a Matroska video (MKV)", [".mkv", ".mk3d"], new MediaSignature.Test("EBML header with DocType matroska", head => IsMatroska(head, "matroska"u8))),
        Video("AVI", "an AVI video", [".avi"], new MediaSignature.Magic((0, "RIFF"u8.ToArray()), (8, "AVI "u8.ToArray()))),
        Video("MPEG-TS", "an MPEG transport stream video", [".ts", ".mts", ".m2ts", ".m2t"],
            new MediaSignature.Test("sync byte 0x47 every 188 bytes, three times", head => IsTransportStream(head, 0, TransportPacket)),
            new MediaSignature.Test("sync byte 0x47 at 4 and every 192 bytes, three times (BDAV M2TS)", head => IsTransportStream(head, 4, TransportPacket + 4))),
        Video("MPEG", "an MPEG video", [".mpg", ".mpeg", ".mpe", ".vob", ".m2v", ".mpv"], new MediaSignature.Magic([0x00, 0x00, 0x01, 0xBA]), new MediaSignature.Magic([0x00, 0x00, 0x01, 0xB3])),
        Video("FLV", "a Flash video (FLV)", [".flv"], new MediaSignature.Magic((0, "FLV"u8.ToArray()), (3, [0x01]))),
        Video("WMV", "a Windows Media video (WMV/ASF)", [".wmv", ".asf"], new MediaSignature.Magic([0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C])),
        Video("MXF", "an MXF video", [".mxf"], new MediaSignature.Magic([0x06, 0x0E, 0x2B, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0D, 0x01, 0x02, 0x01, 0x01, 0x02])),
    ];

    /// <summary>The type of the file whose first bytes are <paramref name="head"/>, or null when none in the table.</summary>
    /// <remarks>
    /// An <c>ftyp</c> file is named by its major brand unless that brand only describes the box
    /// layout (<c>isom</c>, <c>mif1</c>, …; a HEIC may say <c>mif1</c> and list <c>heic</c>); then by
    /// its first specific compatible brand, and only then by the structural ones.
    /// </remarks>
    public static MediaType? Sniff(ReadOnlySpan<byte> head)
    {
        if (FileTypeBox.Read(head) is { } box)
        {
            return ByBrand(box);
        }

        foreach (var type in All)
        {
            foreach (var signature in type.Signatures)
            {
                if (signature is not MediaSignature.Brands && signature.Matches(head))
                {
                    return type;
                }
            }
        }

        return null;
    }

    /// <summary>Reads up to <see cref="HeadLength"/> bytes of the file and sniffs them (the file may be open for writing elsewhere).</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static MediaType? SniffFile(string path)
    {
        Span<byte> head = stackalloc byte[HeadLength];
        int read;
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            read = RandomAccess.Read(handle, head, 0);
        }

        return Sniff(head[..read]);
    }

    private static MediaType? ByBrand(FileTypeBox box)
    {
        if (!FileTypeBox.StructuralBrands.Contains(box.Major) && WithBrand(box.Major) is { } byMajor)
        {
            return byMajor;
        }

        foreach (var brand in box.Compatible)
        {
            if (!FileTypeBox.StructuralBrands.Contains(brand) && WithBrand(brand) is { } byCompatible)
            {
                return byCompatible;
            }
        }

        return box.Brands.Select(WithBrand).FirstOrDefault(type => type is not null);
    }

    private static MediaType? WithBrand(string brand) =>
        All.FirstOrDefault(type => type.Signatures.OfType<MediaSignature.Brands>().Any(brands => brands.Codes.Contains(brand)));

    private static MediaType Image(string name, string description, string[] extensions, params MediaSignature[] signatures) =>
        new(name, description, MediaKind.Image, extensions, signatures);

    private static MediaType Video(string name, string description, string[] extensions, params MediaSignature[] signatures) =>
        new(name, description, MediaKind.Video, extensions, signatures);

    /// <summary>"BM", then the DIB header's size at 14 is one of the defined headers (core 12 … V5 124).</summary>
    private static bool IsBmp(ReadOnlySpan<byte> head) =>
        head.Length >= 18 && head.StartsWith("BM"u8)
        && BitConverter.ToUInt32(head[14..18]) is 12 or 16 or 40 or 52 or 56 or 64 or 108 or 124;

    /// <summary>ICONDIR: reserved 0, type 1 or 2, a non-zero count, and the first entry's reserved byte 0.</summary>
    private static bool IsIcon(ReadOnlySpan<byte> head) =>
        head.Length >= 22 && head[0] == 0 && head[1] == 0 && head[2] is 1 or 2 && head[3] == 0
        && (head[4] | head[5]) != 0 && head[9] == 0;

    /// <summary>The EBML magic, then the DocType element (0x42 0x82, a one-byte size) naming <paramref name="docType"/>.</summary>
    private static bool IsMatroska(ReadOnlySpan<byte> head, ReadOnlySpan<byte> docType)
    {
        if (!head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return false;
        }

        var header = head[..Math.Min(head.Length, 64)];
        var at = header.IndexOf((ReadOnlySpan<byte>)[0x42, 0x82]);
        return at >= 0 && at + 3 <= header.Length && header[(at + 3)..].StartsWith(docType);
    }

    private static bool IsTransportStream(ReadOnlySpan<byte> head, int first, int stride)
    {
        const int packets = 3;
        if (head.Length < first + ((packets - 1) * stride) + 1)
        {
            return false;
        }

        for (var i = 0; i < packets; i++)
        {
            if (head[first + (i * stride)] != 0x47)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// SVG is text: after an optional UTF-8 BOM and white space, <c>&lt;svg</c> itself, or an XML
    /// prologue (declaration, comments, doctype) followed by <c>&lt;svg</c> within the head.
    /// </summary>
    private static bool IsSvg(ReadOnlySpan<byte> head)
    {
        var text = head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? head[3..] : head;
        text = text.TrimStart(" \t\r\n"u8);
        if (text.StartsWith("<svg"u8))
        {
            return true;
        }

        if (!text.StartsWith("<?xml"u8) && !text.StartsWith("<!--"u8) && !text.StartsWith("<!DOCTYPE"u8))
        {
            return false;
        }

        // The first element after the prologue must be <svg: an XHTML page that embeds one is not an image.
        var prologue = Encoding.UTF8.GetString(text);
        var at = 0;
        while (true)
        {
            var open = prologue.IndexOf('<', at);
            if (open < 0 || open + 1 >= prologue.Length)
            {
                return false;
            }

            if (prologue[open + 1] is '?' or '!')
            {
                var close = prologue.AsSpan(open).StartsWith("<!--", StringComparison.Ordinal)
                    ? prologue.IndexOf("-->", open, StringComparison.Ordinal)
                    : prologue.IndexOf('>', open);
                if (close < 0)
                {
                    return false;
                }

                at = close + 1;
                continue;
            }

            return prologue.AsSpan(open).StartsWith("<svg", StringComparison.Ordinal);
        }
    }
}
