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
