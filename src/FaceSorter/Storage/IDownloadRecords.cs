namespace FaceSorter.Storage;

/// <summary>
/// The <c>downloads</c> rows (docs/contracts.md, "Tables"): files in <c>faces/&lt;person&gt;/</c>, sorted
/// automatically, approved, or put there by hand, and what happens to them when the user moves them on.
/// </summary>
public interface IDownloadRecords
{
    /// <summary><c>downloads</c> rows, all of them or only those of one content.</summary>
    Task<IReadOnlyList<DownloadItem>> ListDownloadsAsync(string? fileHash, CancellationToken cancellationToken);

    /// <summary>
    /// A recorded file moved within <c>faces/</c>: the <c>downloads</c> row (and an approved review row at
    /// the same path) follows it. A new <paramref name="person"/> is a correction: it is counted in the
    /// stats as a false sort.
    /// </summary>
    Task MoveDownloadAsync(long downloadId, string newPath, string person, CancellationToken cancellationToken);

    /// <summary>
    /// A file the user put into <c>faces/&lt;person&gt;/</c> by hand: a <c>downloads</c> row
    /// (<c>auto_sorted = 0</c>), and its content becomes known, so later copies are duplicates.
    /// </summary>
    Task AddManualDownloadAsync(string path, string person, string fileHash, CancellationToken cancellationToken);

    /// <summary>
    /// A recorded file moved out of <c>faces/</c> back into <c>review/&lt;category&gt;/</c>: the
    /// <c>downloads</c> row goes; the approved review row of that content becomes pending again (or a
    /// pending row is added). An automatically sorted file sent back is counted as a correction.
    /// </summary>
    Task ReturnToReviewAsync(long downloadId, string newPath, string category, CancellationToken cancellationToken);
}
