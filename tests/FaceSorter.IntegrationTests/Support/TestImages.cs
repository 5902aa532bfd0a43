namespace FaceSorter.IntegrationTests.Support;

/// <summary>Files whose leading bytes make them images (rule 0 of docs/contracts.md, "Decision rules"), with distinct content.</summary>
public static class TestImages
{
    /// <summary>A JPEG-looking file: the JPEG signature followed by <paramref name="size"/> bytes derived from <paramref name="seed"/>.</summary>
    public static byte[] Jpeg(int seed, int size = 2048)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        bytes[3] = 0xE0;
        return bytes;
    }

    /// <summary>A PNG-looking file: the PNG signature, then bytes derived from <paramref name="seed"/>.</summary>
    public static byte[] Png(int seed, int size = 2048) => WithHeader([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], seed, size);

    /// <summary>A WebP-looking file: <c>RIFF….WEBPVP8 </c>, then bytes derived from <paramref name="seed"/>.</summary>
    public static byte[] WebP(int seed, int size = 2048) => WithHeader([.. "RIFF"u8, 0, 8, 0, 0, .. "WEBPVP8 "u8], seed, size);

    /// <summary><paramref name="header"/> followed by bytes derived from <paramref name="seed"/> up to <paramref name="size"/>.</summary>
    public static byte[] WithHeader(byte[] header, int seed, int size = 2048)
    {
        var bytes = new byte[Math.Max(size, header.Length)];
        new Random(seed).NextBytes(bytes);
        header.CopyTo(bytes, 0);
        return bytes;
    }

    /// <summary>
    /// A real JPEG that libvips and the ML emulator decode: <paramref name="width"/>×<paramref name="height"/>
    /// stored pixels of one colour that encodes <paramref name="tag"/> (0 to 4095; read back with
    /// <see cref="TagOf"/>, also from a re-encoded, resized preview), with an EXIF orientation when
    /// <paramref name="orientation"/> is not 1 (6 = the camera was turned: viewers rotate it 90° clockwise).
    /// </summary>
    public static byte[] Photo(int tag, int width = 96, int height = 64, int orientation = 1)
    {
        using var black = NetVips.Image.Black(width, height, bands: 3);
        using var coloured = black.Linear([1.0, 1.0, 1.0], [Channel(tag, 0), Channel(tag, 1), Channel(tag, 2)]);
        using var image = coloured.Cast(NetVips.Enums.BandFormat.Uchar).Mutate(mutable =>
        {
            if (orientation != 1)
            {
                mutable.Set(NetVips.GValue.GIntType, "orientation", orientation);
            }
        });
        return image.JpegsaveBuffer(q: 95, keep: orientation != 1 ? NetVips.Enums.ForeignKeep.Exif : NetVips.Enums.ForeignKeep.None);
    }

    /// <summary>The tag a <see cref="Photo"/> was made with, from any JPEG of it (its mean colour).</summary>
    public static int TagOf(byte[] jpeg)
    {
        using var image = NetVips.Image.NewFromBuffer(jpeg);
        var tag = 0;
        for (var band = 2; band >= 0; band--)
        {
            using var channel = image[band];
            tag = (tag * 16) + (int)(channel.Avg() / 16);
        }

        return tag;
    }

    private static double Channel(int tag, int band) => ((tag >> (4 * band)) & 15) * 16 + 8;

    public static string Write(string folder, string name, byte[] content)
    {
        Directory.CreateDirectory(folder);
        var staging = Path.Combine(Path.GetDirectoryName(folder.TrimEnd('/'))!, "." + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(staging, content);
        var path = Path.Combine(folder, name);
        File.Move(staging, path); // appears whole, as a finished download renamed into place
        return path;
    }
}
