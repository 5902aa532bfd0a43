namespace FaceSorter.Review;

/// <summary>
/// A pending review row whose file is gone. It is not a rejection yet
/// (docs/linux-facts.md, "A delete is not a rejection"): it becomes one after <c>RejectGrace</c> and a full
/// scan that started after it went missing (<paramref name="ScanGeneration"/>), if its content turned up
/// nowhere and its folder is plainly there (docs/contracts.md, "When a missing review file is a rejection").
/// </summary>
/// <param name="Folder">Device and inode of the file's folder when the daemon last saw the file in it; null when it was already gone at start.</param>
/// <param name="KeptAtScan">Set when the folder was not plainly there at that scan: looked at again after the next full scan.</param>
public sealed record MissingItem(
    long ReviewId,
    string FilePath,
    string? FileHash,
    DateTimeOffset Since,
    long ScanGeneration,
    (ulong Device, ulong Inode)? Folder = null,
    long? KeptAtScan = null);
