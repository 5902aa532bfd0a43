namespace FaceSorter.Storage;

/// <summary>
/// The <c>review_queue</c> (docs/contracts.md, "Tables"): one row per file sent to <c>review/</c>,
/// pending until a user (page, CLI, file manager) or the second look decides it. Decisions are made by
/// the database in one statement, so each is recorded exactly once.
/// </summary>
public interface IReviewQueue
{
    /// <summary>The rows of one <paramref name="category"/> and <paramref name="action"/> (all when null), oldest first.</summary>
    Task<IReadOnlyList<ReviewItem>> ListReviewAsync(string? category, ReviewAction? action, CancellationToken cancellationToken);

    /// <summary>
    /// One page of <see cref="ListReviewAsync"/>'s rows (oldest first): <paramref name="limit"/> rows from
    /// the <paramref name="offset"/>-th (0-based) on.
    /// </summary>
    Task<IReadOnlyList<ReviewItem>> ListReviewPageAsync(string? category, ReviewAction? action, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>The <c>review_queue</c> counted by action, category and reviewer (a few dozen rows at most).</summary>
    Task<IReadOnlyList<ReviewCount>> CountReviewAsync(CancellationToken cancellationToken);

    /// <summary>The row with this id, or null.</summary>
    Task<ReviewItem?> GetReviewItemAsync(long id, CancellationToken cancellationToken);

    /// <summary>The newest row whose file is at <paramref name="path"/>, or null.</summary>
    Task<ReviewItem?> FindReviewByPathAsync(string path, CancellationToken cancellationToken);

    /// <summary>Review rows of this content, newest first.</summary>
    Task<IReadOnlyList<ReviewItem>> FindReviewByHashAsync(string fileHash, CancellationToken cancellationToken);

    /// <summary>
    /// Approval (docs/contracts.md, "Tables"): the row becomes <c>approved</c> with <paramref name="reviewedBy"/> and the
    /// time, follows its file to <paramref name="newPath"/>, and a <c>downloads</c> row
    /// (<c>auto_sorted = 0</c>, <paramref name="person"/>) is added, in one transaction. Returns false
    /// when the row was not pending (already decided: approvals are recorded exactly once).
    /// </summary>
    Task<bool> ApproveAsync(long reviewId, string person, string newPath, string reviewedBy, CancellationToken cancellationToken);

    /// <summary>Rejection: the row becomes <c>rejected</c> and its content is remembered as rejected. False when not pending.</summary>
    Task<bool> RejectAsync(long reviewId, string reviewedBy, CancellationToken cancellationToken);

    /// <summary>
    /// The pending row's file came back into the drop folder, now at <paramref name="inboxPath"/>: the row is deleted
    /// (it is no decision), and when its file was its content's first copy the content's claim moves to
    /// <paramref name="inboxPath"/>, so the file is that content's first copy again, not a copy of its old place;
    /// review rows that named the old place as their earlier copy name the drop-folder file (docs/contracts.md,
    /// "When a missing review file is a rejection"). Returns the row as it was, or null when it was not pending.
    /// </summary>
    Task<ReviewItem?> WithdrawReturnedAsync(long reviewId, string inboxPath, CancellationToken cancellationToken);

    /// <summary>
    /// The second look found a confident match for a pending item: it becomes the row's
    /// <c>suggested_person</c> (with its confidence). False when the row is no longer pending.
    /// </summary>
    Task<bool> SuggestPersonAsync(long reviewId, string person, double? confidence, CancellationToken cancellationToken);

    /// <summary>A review file moved within review/ (another category, or renamed): the row follows it.</summary>
    Task MoveReviewAsync(long reviewId, string newPath, string category, CancellationToken cancellationToken);

    /// <summary>
    /// Records the SHA-256 (lower-case hex) of a row that has none (items put into review by rule 0
    /// before rule-0 files were hashed), so the review watcher can follow its file by content. Claims
    /// no content. False when the row already has a hash.
    /// </summary>
    Task<bool> SetReviewHashAsync(long reviewId, string fileHash, CancellationToken cancellationToken);
}
