namespace FaceSorter.Media;

/// <summary>
/// What one libvips decode of a picture gives every part that needs its pixels (docs/architecture.md,
/// "One decode per file"): the perceptual fingerprint's input, the ML service's preview (MachineLearning
/// mode only) and the review page's thumbnail. Immutable; carried with the file's stage records.
/// </summary>
/// <param name="Width">The upright picture's full width in pixels, read from its header.</param>
/// <param name="Height">The upright picture's full height in pixels.</param>
/// <param name="Gray">
/// <see cref="GraySide"/>² grayscale values (0–255) row by row, from the <see cref="Thumbnail"/>'s pixels
/// (flattened on white, 16-bit scaled to 8), the input of the perceptual hash.
/// </param>
/// <param name="Preview">The JPEG the ML service is sent (as Immich's server makes an asset's preview); null outside MachineLearning mode.</param>
/// <param name="Thumbnail">A JPEG of at most <see cref="PictureDecoder.ThumbnailSize"/> pixels on the long side, for the review page.</param>
public sealed record DecodedPicture(int Width, int Height, double[] Gray, EncodedJpeg? Preview, EncodedJpeg Thumbnail)
{
    /// <summary>The side of <see cref="Gray"/> in pixels.</summary>
    public const int GraySide = 32;
}

/// <summary>JPEG bytes of a <paramref name="Width"/>×<paramref name="Height"/> pixel image.</summary>
public sealed record EncodedJpeg(byte[] Bytes, int Width, int Height);
