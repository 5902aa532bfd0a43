using NetVips;

namespace FaceSorter.Media;

/// <summary>
/// The one libvips (NetVips) decode of a picture (docs/architecture.md, "One decode per file"): a
/// shrink-on-load decode turned upright by its EXIF orientation, to the ML preview's size when one is
/// wanted (<paramref name="previewSize"/> pixels on the long side, never enlarged, JPEG quality 80
/// without metadata, as Immich's server makes an asset's preview) and from it, or straight from the file
/// otherwise, the review thumbnail (<see cref="ThumbnailSize"/> on the long side) and from that the
/// fingerprint's 32×32 grayscale input. Fingerprints made with and without a preview differ by at most
/// a few bits (docs/contracts.md, "Near duplicates"), so old files are fingerprinted straight from the file.
/// </summary>
/// <param name="previewSize">The ML preview's long side in pixels, or null when no preview is made (Upload mode, fingerprint backfill).</param>
public sealed class PictureDecoder(int? previewSize)
{
    /// <summary>The review thumbnail's long side in pixels (the page's thumbnails are this size).</summary>
    public const int ThumbnailSize = 320;

    private const int JpegQuality = 80;

    /// <summary>Whether <see cref="Decode"/> makes the ML preview.</summary>
    public bool MakesPreview => previewSize is not null;

    /// <summary>The decoded picture, or null when libvips cannot decode the file (the parts that need it then say why, each in its own words).</summary>
    public DecodedPicture? TryDecode(string filePath) => TryDecode(filePath, out _, out _);

    /// <summary>
    /// The decoded picture, or null with <paramref name="failure"/>, a readable reason (<see cref="PictureLimits.Reason"/>),
    /// and <paramref name="kind"/>, which tells a file FaceSorter would not decode (over <see cref="PictureLimits.MaxPixels"/>)
    /// from one in a format libvips knows that fails to decode (bad input) and one in a format libvips does not know
    /// (a video, a RAW or HEIC file without its decoder: not bad input). <paramref name="kind"/> is
    /// <see cref="DecodeFailure.None"/> when the picture is returned.
    /// </summary>
    public DecodedPicture? TryDecode(string filePath, out string? failure, out DecodeFailure kind)
    {
        try
        {
            failure = null;
            kind = DecodeFailure.None;
            return Decode(filePath);
        }
        catch (Exception exception) when (exception is VipsException or PictureNotDecodedException)
        {
            var format = exception is PictureNotDecodedException ? null : PictureLimits.FormatOf(filePath);
            failure = format is null ? PictureLimits.Reason(exception) : PictureLimits.BrokenReason(format);
            kind = exception is PictureNotDecodedException ? DecodeFailure.Refused
                : format is not null ? DecodeFailure.Broken
                : DecodeFailure.UnknownFormat;
            return null;
        }
    }

    /// <summary>The decoded picture: the header is read first and a picture over <see cref="PictureLimits.MaxPixels"/> is not decoded; a decode stops at its first error.</summary>
    /// <exception cref="VipsException">libvips cannot decode the file.</exception>
    /// <exception cref="PictureNotDecodedException">The header claims more than <see cref="PictureLimits.MaxPixels"/> pixels.</exception>
    public DecodedPicture Decode(string filePath)
    {
        using var header = Image.NewFromFile(filePath, access: Enums.Access.Sequential, failOn: PictureLimits.FailOn);
        PictureLimits.CheckSize(header);
        var (width, height) = UprightSize(header);
        EncodedJpeg? preview = null;
        Image thumbnail;
        if (previewSize is { } size)
        {
            // Decoded into memory once (libvips reads a file sequentially): the preview and the thumbnail both read it.
            using var decoded = Image.Thumbnail(filePath, size, height: size, size: Enums.Size.Down, failOn: PictureLimits.FailOn);
            using var large = decoded.CopyMemory();
            preview = Encode(large);
            thumbnail = large.ThumbnailImage(ThumbnailSize, height: ThumbnailSize, size: Enums.Size.Down);
        }
        else
        {
            thumbnail = Image.Thumbnail(filePath, ThumbnailSize, height: ThumbnailSize, size: Enums.Size.Down, failOn: PictureLimits.FailOn);
        }

        using (thumbnail)
        using (var small = thumbnail.CopyMemory())
        {
            return new DecodedPicture(width, height, GrayOf(small), preview, Encode(small));
        }
    }

    /// <summary><see cref="DecodedPicture.GraySide"/>² grayscale values (0–255) of <paramref name="picture"/>, stretched to a square.</summary>
    public static double[] GrayOf(Image picture)
    {
        const int side = DecodedPicture.GraySide;
        using var flat = picture.HasAlpha() ? picture.Flatten(background: [255.0]) : picture.Copy();
        using var gray = flat.Colourspace(Enums.Interpretation.Bw);
        using var first = gray.Bands > 1 ? gray.ExtractBand(0) : gray.Copy();
        using var band = first.Format == Enums.BandFormat.Ushort ? first.Linear([1.0 / 257], [0.0]) : first.Copy(); // 16-bit pictures to 0–255
        using var sized = band.Width == side && band.Height == side
            ? band.Copy()
            : band.Resize((double)side / band.Width, vscale: (double)side / band.Height);
        using var values = sized.Cast(Enums.BandFormat.Double);
        return values.WriteToMemory<double>();
    }

    private static EncodedJpeg Encode(Image image) =>
        new(image.JpegsaveBuffer(q: JpegQuality, keep: Enums.ForeignKeep.None), image.Width, image.Height);

    private static (int Width, int Height) UprightSize(Image header)
    {
        var orientation = header.Contains("orientation") ? (int)header.Get("orientation") : 1;
        return orientation is >= 5 and <= 8 ? (header.Height, header.Width) : (header.Width, header.Height);
    }
}

/// <summary>Why <see cref="PictureDecoder.TryDecode(string, out string?, out DecodeFailure)"/> returned no picture.</summary>
public enum DecodeFailure
{
    /// <summary>It was decoded.</summary>
    None,

    /// <summary>FaceSorter did not decode it: its header claims more than <see cref="PictureLimits.MaxPixels"/> pixels.</summary>
    Refused,

    /// <summary>libvips knows its format (it has a loader for it) but the decode failed: a truncated or corrupt file.</summary>
    Broken,

    /// <summary>libvips has no loader for it (a video, a RAW or HEIC file without its decoder): not bad input, only not a picture libvips reads.</summary>
    UnknownFormat,
}
