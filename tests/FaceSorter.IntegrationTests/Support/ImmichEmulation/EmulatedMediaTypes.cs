namespace FaceSorter.IntegrationTests.Support;

/// <summary>The answer of <c>GET /api/server/media-types</c>: extensions with their dots, per kind.</summary>
public sealed record EmulatedMediaTypes(IReadOnlyList<string> Image, IReadOnlyList<string> Video, IReadOnlyList<string> Sidecar)
{
    /// <summary>Exactly what a real v2.7.5 server answered (docs/media-types.md), in its order.</summary>
    public static readonly EmulatedMediaTypes V2_7_5 = new(
        [
            ".avif", ".bmp", ".gif", ".jpeg", ".jpg", ".png", ".webp", ".3fr", ".ari", ".arw", ".cap", ".cin", ".cr2", ".cr3", ".crw",
            ".dcr", ".dng", ".erf", ".fff", ".iiq", ".k25", ".kdc", ".mrw", ".nef", ".nrw", ".orf", ".ori", ".pef", ".psd", ".raf",
            ".raw", ".rw2", ".rwl", ".sr2", ".srf", ".srw", ".x3f", ".heic", ".heif", ".hif", ".insp", ".jp2", ".jpe", ".jxl", ".svg",
            ".tif", ".tiff",
        ],
        [
            ".3gp", ".3gpp", ".avi", ".flv", ".insv", ".m2t", ".m2ts", ".m4v", ".mkv", ".mov", ".mp4", ".mpe", ".mpeg", ".mpg", ".mts",
            ".mxf", ".ts", ".vob", ".webm", ".wmv",
        ],
        [".xmp"]);

    /// <summary>Whether an upload named <paramref name="fileName"/> is taken: by its extension alone, as Immich's <c>canUploadFile</c>.</summary>
    public bool AcceptsAsset(string fileName)
    {
        var extension = Path.GetExtension(fileName);
        return Image.Contains(extension, StringComparer.OrdinalIgnoreCase) || Video.Contains(extension, StringComparer.OrdinalIgnoreCase);
    }
}
