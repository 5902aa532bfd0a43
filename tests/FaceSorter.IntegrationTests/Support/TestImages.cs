namespace FaceSorter.IntegrationTests.Support;

/// <summary>Files whose leading bytes make them images (DESIGN rule 0), with distinct content.</summary>
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
