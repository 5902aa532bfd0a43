namespace FaceSorter.Review;

/// <summary>What a CLI or web review action did: <paramref name="FilePath"/> is where the file is now.</summary>
public sealed record ReviewActionResult(bool Done, string Message, string? FilePath = null);
