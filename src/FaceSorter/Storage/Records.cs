namespace FaceSorter.Storage;

/// <summary>The answer to a content claim.</summary>
/// <param name="IsOriginal">True when this file owns the content.</param>
/// <param name="EarlierPath">Where the owning copy was (or is) when this one is not the original.</param>
/// <param name="EarlierState">What became of the owning copy (see <see cref="ContentState"/>).</param>
public sealed record ContentClaim(bool IsOriginal, string? EarlierPath, string? EarlierState);

/// <summary>States of a claimed content hash, as stored.</summary>
public static class ContentState
{
    public const string Claimed = "claimed";
    public const string Sorted = "sorted";
    public const string InReview = "review";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
}

public enum RecordKind
{
    /// <summary>A <c>downloads</c> row: the file is in <c>faces/&lt;person&gt;/</c>.</summary>
    Download,

    /// <summary>A <c>review_queue</c> row: the file is in <c>review/&lt;category&gt;/</c>.</summary>
    Review,

    /// <summary>A <c>companions</c> row: a sidecar that followed its owner (<see cref="OutcomeRecord.OwnerPath"/>).</summary>
    Companion,

    /// <summary>
    /// A file that changed after it was taken went back to the drop folder to be sorted again as a new
    /// arrival: the record at the place it left (its <c>downloads</c> row or pending <c>review_queue</c>
    /// row, and its content claim) is withdrawn, in the same transaction that completes the move.
    /// </summary>
    Returned,

    /// <summary>
    /// An approval by the web page or the CLI: the pending <c>review_queue</c> row <see cref="OutcomeRecord.ReviewId"/>
    /// becomes approved by <see cref="OutcomeRecord.ReviewedBy"/> and a <c>downloads</c> row (<c>auto_sorted = 0</c>,
    /// <see cref="OutcomeRecord.PersonName"/>) is added, as <see cref="IReviewQueue.ApproveAsync"/> does; nothing
    /// when the row was decided meanwhile (an approval is recorded once).
    /// </summary>
    Approval,
}

/// <summary>
/// What to record once a move is done; carried in the journal so a crash loses nothing.
/// <paramref name="ReviewedBy"/> and <paramref name="ReviewId"/> are set for <see cref="RecordKind.Approval"/> only;
/// <paramref name="EarlierCopy"/> for a duplicate or near duplicate only (the path of the earlier copy).
/// <paramref name="ClaimsContent"/> is false for a review item ruled out by its leading bytes (rule 0):
/// its <paramref name="FileHash"/> is recorded on the row, so the review watcher can follow the file,
/// but the content is claimed by no one (journal entries written before it existed read as true).
/// </summary>
public sealed record OutcomeRecord(
    RecordKind Kind,
    string? FileHash,
    string? Source,
    string? PersonName,
    string? Category,
    string Reason,
    int FacesDetected,
    string? SuggestedPerson,
    double? Confidence,
    string? ReviewedBy = null,
    string? OwnerPath = null,
    long? ReviewId = null,
    string? EarlierCopy = null,
    bool ClaimsContent = true);

public sealed record PlannedMove(string SourcePath, string DestinationPath, OutcomeRecord Outcome);

public sealed record CompletedMove(long JournalId, string FinalPath);

public sealed record JournalEntry(long Id, string SourcePath, string DestinationPath, OutcomeRecord Outcome, DateTimeOffset CreatedAt);

/// <summary>A finished move out of the drop folder, as journalled: where a file that was at <paramref name="SourcePath"/> went.</summary>
public sealed record SortedMove(string SourcePath, string DestinationPath, RecordKind Kind, string? FileHash);

/// <summary>A <c>companions</c> row: the sidecar at <paramref name="FilePath"/> belongs to the file at <paramref name="OwnerPath"/>.</summary>
public sealed record CompanionRecord(long Id, string FilePath, string OwnerPath, string Reason, DateTimeOffset CreatedAt);

public sealed record HeldFile(string FilePath, string Reason, DateTimeOffset UpdatedAt);

public enum ReviewAction
{
    Pending,
    Approved,
    Rejected,
}

public sealed record ReviewItem(
    long Id,
    string FilePath,
    string Category,
    string? FileHash,
    string? Reason,
    int FacesDetected,
    string? SuggestedPerson,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReviewedAt,
    string? ReviewedBy,
    ReviewAction Action,
    string? Source,
    double? Confidence,
    string? EarlierCopy = null);

/// <summary>
/// The seed's figures (docs/contracts.md, "Stats"), plus <paramref name="Corrections"/>: files the user moved from one person to another or out of <c>faces/</c> (false sorts);
/// and the duplicates caught in the window, byte-identical (<paramref name="ExactDuplicates"/>) and near (<paramref name="NearDuplicates"/>, docs/contracts.md, "Near duplicates").
/// </summary>
public sealed record SortStats(
    int AutoSorted,
    int InReview,
    IReadOnlyDictionary<string, int> ByPerson,
    IReadOnlyDictionary<string, int> ByCategory,
    double SuccessRate,
    int Days,
    int Corrections = 0,
    int ExactDuplicates = 0,
    int NearDuplicates = 0);

/// <summary>One UTC day's activity: files sorted automatically on it, review rows approved, rejected and added on it.</summary>
public sealed record DailyCount(DateOnly Day, int AutoSorted, int Approved, int Rejected, int AddedToReview);

/// <summary>How many <c>review_queue</c> rows share an action, a category and a reviewer.</summary>
public sealed record ReviewCount(ReviewAction Action, string Category, string? ReviewedBy, int Count);
