using FaceSorter.Media;
using NetVips;

namespace FaceSorter.NearDuplicates;

/// <summary>
/// Makes a picture's <see cref="ImageFingerprint"/> from its <see cref="DecodedPicture"/>: the DCT hash
/// of the decode's 32×32 grayscale values, with the upright full size read from the header. The
/// pipeline fingerprints the decode it shares with the ML preview and the review thumbnail
/// (<see cref="Of"/>); files fingerprinted later (added by hand, known before fingerprints were) are
/// decoded here without a preview (<see cref="Compute"/>), which gives the same fingerprint within a
/// few bits (docs/contracts.md, "Near duplicates").
/// </summary>
public sealed class Fingerprinter
{
    private static readonly PictureDecoder WithoutPreview = new(previewSize: null);

    /// <summary>The fingerprint of the file at <paramref name="filePath"/>, or null when libvips cannot decode it (or it is over <see cref="PictureLimits.MaxPixels"/>) or the picture is featureless (<see cref="PerceptualHash.MinContrast"/>).</summary>
    public ImageFingerprint? Compute(string filePath)
    {
        try
        {
            return Of(WithoutPreview.Decode(filePath));
        }
        catch (Exception exception) when (exception is VipsException or PictureNotDecodedException)
        {
            return null;
        }
    }

    /// <summary>The fingerprint of <paramref name="picture"/>, or null when it is featureless.</summary>
    public static ImageFingerprint? Of(DecodedPicture picture) =>
        PerceptualHash.Compute(picture.Gray) is { } hash ? new ImageFingerprint(hash, picture.Width, picture.Height) : null;
}
