using System.Globalization;
using System.Numerics;

namespace FaceSorter.NearDuplicates;

/// <summary>
/// A perceptual fingerprint (docs/contracts.md, "Near duplicates"): the 64-bit DCT hash of a picture
/// (<see cref="PerceptualHash"/>) and the picture's upright size in pixels. Two pictures whose hashes
/// differ in few bits (<see cref="DistanceTo"/>, the Hamming distance, 0–64) look the same.
/// </summary>
public readonly record struct ImageFingerprint(ulong Hash, int Width, int Height)
{
    /// <summary>The number of differing bits, 0 (identical) to 64.</summary>
    public int DistanceTo(ulong other) => BitOperations.PopCount(Hash ^ other);

    /// <summary>The size as people write it, e.g. <c>1200×800</c>.</summary>
    public string Size => string.Create(CultureInfo.InvariantCulture, $"{Width}×{Height}");

    public long Pixels => (long)Width * Height;
}
