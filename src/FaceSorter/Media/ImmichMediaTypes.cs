using System.Globalization;

namespace FaceSorter.Media;

/// <summary>
/// The extensions an Immich server accepts for upload, as <c>GET /api/server/media-types</c>
/// answers (<c>{image, video, sidecar}</c>, no admin needed); Immich decides an upload by the
/// name's extension alone and answers any other with 400 "Unsupported file type" (docs/media-types.md).
/// <see cref="BuiltIn"/> is v2.7.5's answer, for a server that cannot be asked and for
/// MachineLearning mode. Together with the table (<see cref="MediaTypes"/>) this says whether a
/// sniffed type can be sent and under which extension.
/// </summary>
/// <param name="Source">Where the list came from, for messages: "Immich v3.1.0's media types".</param>
public sealed record ImmichMediaTypes(IReadOnlySet<string> Image, IReadOnlySet<string> Video, string Source)
{
    /// <summary>What a real Immich v2.7.5 answered (v3 adds <c>.mpo</c>; neither takes <c>.jfif</c>).</summary>
    public static readonly ImmichMediaTypes BuiltIn = Create(
        [
            ".avif", ".bmp", ".gif", ".jpeg", ".jpg", ".png", ".webp", ".3fr", ".ari", ".arw", ".cap", ".cin", ".cr2", ".cr3",
            ".crw", ".dcr", ".dng", ".erf", ".fff", ".iiq", ".k25", ".kdc", ".mrw", ".nef", ".nrw", ".orf", ".ori", ".pef",
            ".psd", ".raf", ".raw", ".rw2", ".rwl", ".sr2", ".srf", ".srw", ".x3f", ".heic", ".heif", ".hif", ".insp", ".jp2",
            ".jpe", ".jxl", ".svg", ".tif", ".tiff",
        ],
        [
            ".3gp", ".3gpp", ".avi", ".flv", ".insv", ".m2t", ".m2ts", ".m4v", ".mkv", ".mov", ".mp4", ".mpe", ".mpeg", ".mpg",
            ".mts", ".mxf", ".ts", ".vob", ".webm", ".wmv",
        ],
        "FaceSorter's built-in copy of Immich v2.7.5's media types");

    public static ImmichMediaTypes Create(IEnumerable<string> image, IEnumerable<string> video, string source) =>
        new(Normalize(image), Normalize(video), source);

    public bool Accepts(string extension) => Image.Contains(extension) || Video.Contains(extension);

    /// <summary>
    /// The extension an upload of a file of <paramref name="type"/> carries: the file's own when it
    /// is one of the type's and accepted, else the type's first accepted one; null when Immich accepts
    /// none of the type's extensions (then <see cref="WhyNotAccepted"/> says so).
    /// </summary>
    /// <param name="ownExtension">The file's own, with the dot, any case; "" when it has none.</param>
    public string? UploadExtension(MediaType type, string ownExtension)
    {
        if (type.Kind == MediaKind.Audio)
        {
            return null;
        }

        return type.HasExtension(ownExtension) && Accepts(ownExtension)
            ? ownExtension
            : type.Extensions.FirstOrDefault(Accepts);
    }

    /// <summary>The reason a file of <paramref name="type"/> is not sent: names the type and the extensions refused.</summary>
    public string WhyNotAccepted(MediaType type) =>
        type.Kind == MediaKind.Audio
            ? $"{type.Description}: Immich takes images and videos only"
            : string.Create(CultureInfo.InvariantCulture, $"{type.Description}: Immich does not accept {string.Join(" or ", type.Extensions)} (per {Source})");

    private static HashSet<string> Normalize(IEnumerable<string> extensions) =>
        new(extensions.Select(extension => extension.StartsWith('.') ? extension : "." + extension), StringComparer.OrdinalIgnoreCase);
}
