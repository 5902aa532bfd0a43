using FaceSorter.Hashing;

namespace FaceSorter.Immich.Upload;

/// <summary>
/// The file name Immich is told. Immich decides by the name's extension whether it takes a file
/// (IMMICH.md 2.3: "an unsupported extension gives 400"), while downloads are often named
/// <c>photo.jpg_large</c>, <c>image?id=3</c> or have no extension at all. A name without a known image
/// extension gets the one its leading bytes call for, so a real image is never refused for its name.
/// </summary>
internal static class UploadFileName
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".heic", ".heif",
        ".hif", ".avif", ".jxl", ".dng", ".nef", ".cr2", ".cr3", ".arw", ".raf", ".orf", ".rw2", ".srw", ".pef",
    };

    public static string For(string filePath)
    {
        var name = Path.GetFileName(filePath);
        if (ImageExtensions.Contains(Path.GetExtension(name)))
        {
            return name;
        }

        Span<byte> header = stackalloc byte[16];
        int read;
        using (var handle = File.OpenHandle(filePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            read = RandomAccess.Read(handle, header, 0);
        }

        var extension = ImageSniffer.Kind(header[..read]) switch
        {
            "jpeg" => ".jpg",
            "png" => ".png",
            "gif" => ".gif",
            "webp" => ".webp",
            "tiff" => ".tif",
            "bmp" => ".bmp",
            "heif" => ".heic",
            "jxl" => ".jxl",
            _ => "",
        };
        return name + extension;
    }
}
