namespace FaceSorter.NearDuplicates;

/// <summary>
/// A perceptual fingerprint (docs/contracts.md, "Near duplicates"): the 64-bit DCT hash of a picture
/// (<see cref="PerceptualHash"/>) and the picture's upright size in pixels. Two pictures whose hashes
/// differ in few bits (the Hamming distance, 0–64) look the same.
/// </summary>
public readonly record struct ImageFingerprint(ulong Hash, int Width, int Height);
