using FaceSorter.Media;
using FaceSorter.Options;
using Microsoft.Extensions.Options;
using NetVips;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// Makes the image the ML service is sent the way Immich's server makes an asset's preview, which is
/// what it sends (docs/immich-facts.md, "The ML service"): decoded by libvips (NetVips), turned
/// upright by its EXIF orientation, shrunk (never enlarged) to <c>Immich:PreviewSize</c> pixels on the
/// long side (1440, Immich's default), JPEG at quality 80 without metadata. The ML service then sees
/// faces upright and in a format it decodes, and its boxes are in preview pixels, as Immich's are.
/// </summary>
public sealed class PreviewMaker(IOptions<ImmichOptions> options)
{
    private const int JpegQuality = 80;

    /// <summary>The preview's JPEG bytes and size in pixels, or why the file cannot be decoded here.</summary>
    public Preview Make(string filePath)
    {
        var size = options.Value.PreviewSize;
        try
        {
            PictureLimits.CheckHeader(filePath);
            using var image = Image.Thumbnail(filePath, size, height: size, size: Enums.Size.Down, failOn: PictureLimits.FailOn);
            return new Preview(image.JpegsaveBuffer(q: JpegQuality, keep: Enums.ForeignKeep.None), image.Width, image.Height, null);
        }
        catch (Exception exception) when (exception is VipsException or PictureNotDecodedException)
        {
            return new Preview([], 0, 0, PictureLimits.Reason(exception));
        }
    }
}

/// <summary>A preview: JPEG bytes of <paramref name="Width"/>×<paramref name="Height"/> pixels, or <paramref name="Failure"/> when the file could not be decoded.</summary>
public sealed record Preview(byte[] Jpeg, int Width, int Height, string? Failure);
