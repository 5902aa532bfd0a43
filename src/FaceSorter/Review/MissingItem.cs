namespace FaceSorter.Review;

/// <summary>
/// A pending review row whose file is gone. It is not a rejection yet
/// (docs/linux-facts.md, "A delete is not a rejection"): it becomes one after <c>RejectGrace</c> and a full
/// scan that started after it went missing (<paramref name="ScanGeneration"/>), if its content turned up
/// nowhere.
/// </summary>
public sealed record MissingItem(long ReviewId, string FilePath, string? FileHash, DateTimeOffset Since, long ScanGeneration);
