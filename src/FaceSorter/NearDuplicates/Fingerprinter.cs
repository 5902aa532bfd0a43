using NetVips;

namespace FaceSorter.NearDuplicates;

/// <summary>
/// Makes a picture's <see cref="ImageFingerprint"/> with libvips (NetVips): one shrink-on-load decode
/// straight to <see cref="PerceptualHash.Side"/>² pixels (libvips shrinks a JPEG while decoding it, by
/// up to 8×), turned upright by its EXIF orientation, flattened on white, converted to grayscale. It is
/// a decode of its own: the ML-mode preview and the page's thumbnails are made later, by other stages.
/// The size reported is the upright picture's full size, read from its header.
/// </summary>
public sealed class Fingerprinter
{
    /// <summary>The fingerprint, or null when libvips cannot decode the file or the picture is featureless (<see cref="PerceptualHash.MinContrast"/>).</summary>
    public ImageFingerprint? Compute(string filePath)
    {
        try
        {
            using var header = Image.NewFromFile(filePath, access: Enums.Access.Sequential);
            var (width, height) = UprightSize(header);
            using var small = Image.Thumbnail(filePath, PerceptualHash.Side, height: PerceptualHash.Side, size: Enums.Size.Force);
            return Compute(small, width, height);
        }
        catch (VipsException)
        {
            return null;
        }
    }

    /// <summary>The fingerprint of an already decoded picture <paramref name="picture"/> whose upright full size is <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static ImageFingerprint? Compute(Image picture, int width, int height)
    {
        using var flat = picture.HasAlpha() ? picture.Flatten(background: [255.0]) : picture.Copy();
        using var gray = flat.Colourspace(Enums.Interpretation.Bw);
        using var first = gray.Bands > 1 ? gray.ExtractBand(0) : gray.Copy();
        using var band = first.Format == Enums.BandFormat.Ushort ? first.Linear([1.0 / 257], [0.0]) : first.Copy(); // 16-bit pictures to 0–255
        using var sized = band.Width == PerceptualHash.Side && band.Height == PerceptualHash.Side
            ? band.Copy()
            : band.Resize((double)PerceptualHash.Side / band.Width, vscale: (double)PerceptualHash.Side / band.Height);
        using var values = sized.Cast(Enums.BandFormat.Double);
        var pixels = values.WriteToMemory<double>();
        return PerceptualHash.Compute(pixels) is { } hash ? new ImageFingerprint(hash, width, height) : null;
    }

    private static (int Width, int Height) UprightSize(Image header)
    {
        var orientation = header.Contains("orientation") ? (int)header.Get("orientation") : 1;
        return orientation is >= 5 and <= 8 ? (header.Height, header.Width) : (header.Width, header.Height);
    }
}
