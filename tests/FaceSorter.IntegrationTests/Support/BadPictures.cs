using NetVips;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>Real picture files that are bad in the ways a new-user trial found (issue 14): a decompression bomb, a truncated JPEG.</summary>
public static class BadPictures
{
    /// <summary>
    /// A PNG of a few hundred bytes whose header claims <paramref name="width"/>×<paramref name="height"/>
    /// pixels: a real 64×64 grey PNG with its IHDR size (and CRC) rewritten, so its data runs out after a few rows.
    /// </summary>
    public static byte[] Bomb(int width = 100_000, int height = 100_000)
    {
        using var small = Image.Black(64, 64);
        var png = small.PngsaveBuffer();
        // Signature (8), IHDR length (4), "IHDR" (4) at 12, width at 16, height at 20, CRC of type+data at 29.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        return png;
    }

    /// <summary>A 640×480 JPEG of noise cut off after <paramref name="fraction"/> of its bytes.</summary>
    public static byte[] TruncatedJpeg(double fraction = 0.5)
    {
        using var noise = Image.Gaussnoise(640, 480);
        using var bytes = noise.Cast(Enums.BandFormat.Uchar);
        var jpeg = bytes.JpegsaveBuffer(q: 90);
        return jpeg[..(int)(jpeg.Length * fraction)];
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
