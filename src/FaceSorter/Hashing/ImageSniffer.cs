namespace FaceSorter.Hashing;

/// <summary>
/// DESIGN rule 0: is this an image by its leading bytes (magic numbers), whatever its extension?
/// Checked before hashing, so empty and non-image files never count as duplicates of each other.
/// </summary>
public static class ImageSniffer
{
    private const int HeaderLength = 16;

    // Signatures with bytes above 0x7F: a u8 string literal would UTF-8-encode them.
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> JpegXlContainer => [0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20];

    private static ReadOnlySpan<byte> JpegXlCodestream => [0xFF, 0x0A];

    /// <summary>Null when the file looks like an image, else why not.</summary>
    public static string? WhyNotAnImage(string path, long length)
    {
        if (length == 0)
        {
            return "empty file (0 bytes)";
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        int read;
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            read = RandomAccess.Read(handle, header, 0);
        }

        return Kind(header[..read]) is null ? "not an image (unrecognised leading bytes)" : null;
    }

    /// <summary>The image format the bytes start with, or null.</summary>
    public static string? Kind(ReadOnlySpan<byte> h)
    {
        if (h.Length >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF)
        {
            return "jpeg";
        }

        if (h.StartsWith(PngSignature))
        {
            return "png";
        }

        if (h.StartsWith("GIF87a"u8) || h.StartsWith("GIF89a"u8))
        {
            return "gif";
        }

        if (h.Length >= 12 && h.StartsWith("RIFF"u8) && h[8..12].SequenceEqual("WEBP"u8))
        {
            return "webp";
        }

        if (h.StartsWith("II*\0"u8) || h.StartsWith("MM\0*"u8))
        {
            return "tiff"; // also most camera RAW formats (DNG, NEF, CR2, ARW)
        }

        if (h.StartsWith("BM"u8))
        {
            return "bmp";
        }

        if (h.Length >= 12 && h[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = h[8..12];
            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8)
                || brand.SequenceEqual("msf1"u8) || brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8)
                || brand.SequenceEqual("hevc"u8) || brand.SequenceEqual("heim"u8) || brand.SequenceEqual("heis"u8))
            {
                return "heif";
            }
        }

        if (h.StartsWith(JpegXlContainer) || h.StartsWith(JpegXlCodestream))
        {
            return "jxl";
        }

        return null;
    }
}
