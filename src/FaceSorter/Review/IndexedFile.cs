namespace FaceSorter.Review;

/// <summary>
/// A file under faces/ or review/ as last seen: size and mtime (to notice a change without hashing),
/// its SHA-256 when known, and whether a record accounts for it. An unrecorded copy is what a review
/// row that went missing is looked for: the user moved it while its source still existed.
/// </summary>
public sealed record IndexedFile(long Length, DateTime LastWriteUtc, string? Hash, bool Recorded);
