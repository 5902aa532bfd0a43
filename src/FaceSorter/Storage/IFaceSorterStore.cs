namespace FaceSorter.Storage;

/// <summary>
/// FaceSorter's own records (docs/contracts.md, "Tables"): the content claims that decide duplicates, the move
/// journal that makes moves crash-safe, and the <c>downloads</c> / <c>review_queue</c> rows users and
/// scripts read. <see cref="FaceSorterStore"/> implements it on SQLite and on PostgreSQL; one contract test suite runs on both.
/// </summary>
public interface IFaceSorterStore
{
    /// <summary>The schema version this build migrates to.</summary>
    int SchemaVersion { get; }

    /// <summary>Creates the schema or migrates it to the current version.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Claims <paramref name="fileHash"/> for the file at <paramref name="path"/>. The first claim of
    /// a hash wins (the database's unique constraint decides, not timing); a file that claimed it
    /// earlier (before a crash) wins again.
    /// </summary>
    Task<ContentClaim> ClaimContentAsync(string fileHash, string path, CancellationToken cancellationToken);

    /// <summary>
    /// Gives up a claim that is still only claimed by <paramref name="path"/> (the file never got
    /// sorted). A claim whose file is being moved right now is kept: the file is gone from the drop
    /// folder only because its move is under way, and its record follows.
    /// </summary>
    Task ReleaseClaimAsync(string fileHash, string path, CancellationToken cancellationToken);

    /// <summary>Journals the intent to move files before any of them is moved; returns one id per move.</summary>
    Task<IReadOnlyList<long>> BeginMovesAsync(IReadOnlyList<PlannedMove> moves, CancellationToken cancellationToken);

    /// <summary>
    /// Marks journalled moves done and applies what each journal entry says to record (see <see cref="RecordKind"/>:
    /// a <c>downloads</c>, <c>review_queue</c> or <c>companions</c> row, an approval, or the withdrawal of the
    /// record a returned file left), all in one transaction, so a file never has a half-written record.
    /// A move already completed (by recovery or another daemon) is skipped.
    /// </summary>
    Task CompleteMovesAsync(IReadOnlyList<CompletedMove> moves, CancellationToken cancellationToken);

    /// <summary>Marks a journalled move as not done (the file stayed where it was).</summary>
    Task AbandonMoveAsync(long journalId, string reason, CancellationToken cancellationToken);

    /// <summary>Journal entries left unfinished by a crash.</summary>
    Task<IReadOnlyList<JournalEntry>> GetUnfinishedMovesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// True while a journalled move from or to <paramref name="path"/> is unfinished: the mover (maybe
    /// the CLI, in another process) records it, or start-up recovery does after a crash.
    /// </summary>
    Task<bool> IsMoveUnderwayAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Finished moves of files whose drop-folder path starts with <paramref name="sourcePathPrefix"/>
    /// (compared byte-wise), newest first: where a sidecar's owner went when it arrives after it.
    /// </summary>
    Task<IReadOnlyList<SortedMove>> FindSortedFromAsync(string sourcePathPrefix, CancellationToken cancellationToken);

    /// <summary>Sidecars recorded as belonging to the file at <paramref name="ownerPath"/> (all of them when null), oldest first.</summary>
    Task<IReadOnlyList<CompanionRecord>> ListCompanionsAsync(string? ownerPath, CancellationToken cancellationToken);

    /// <summary>Records why a file stays in the drop folder for now (replaced on each call).</summary>
    Task HoldAsync(string path, string reason, CancellationToken cancellationToken);

    Task ReleaseHoldAsync(string path, CancellationToken cancellationToken);

    Task<IReadOnlyList<HeldFile>> GetHeldFilesAsync(CancellationToken cancellationToken);

    /// <summary>The seed's figures over the last <paramref name="days"/> days (docs/contracts.md, "Stats").</summary>
    Task<SortStats> GetStatsAsync(int days, DateTimeOffset now, CancellationToken cancellationToken);

    Task<IReadOnlyList<ReviewItem>> ListReviewAsync(string? category, ReviewAction? action, CancellationToken cancellationToken);

    /// <summary>
    /// One page of <see cref="ListReviewAsync"/>'s rows (oldest first): <paramref name="limit"/> rows from
    /// the <paramref name="offset"/>-th (0-based) on.
    /// </summary>
    Task<IReadOnlyList<ReviewItem>> ListReviewPageAsync(string? category, ReviewAction? action, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>The <c>review_queue</c> counted by action, category and reviewer (a few dozen rows at most).</summary>
    Task<IReadOnlyList<ReviewCount>> CountReviewAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Activity per UTC day from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive),
    /// oldest first; days without any are left out.
    /// </summary>
    Task<IReadOnlyList<DailyCount>> GetDailyCountsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    Task<ReviewItem?> GetReviewItemAsync(long id, CancellationToken cancellationToken);

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
    /// The second look found a confident match for a pending item: it becomes the row's
    /// <c>suggested_person</c> (with its confidence). False when the row is no longer pending.
    /// </summary>
    Task<bool> SuggestPersonAsync(long reviewId, string person, double? confidence, CancellationToken cancellationToken);

    /// <summary>A review file moved within review/ (another category, or renamed): the row follows it.</summary>
    Task MoveReviewAsync(long reviewId, string newPath, string category, CancellationToken cancellationToken);

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

    /// <summary>
    /// Files the user put under a person (approvals and manual additions) whose face has not been
    /// learned for that person yet: new ones, and ones moved to another person since.
    /// </summary>
    Task<IReadOnlyList<DownloadItem>> ListUnlearnedApprovalsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Remembers the face learned from <paramref name="fileHash"/> for <paramref name="person"/>
    /// (replacing an earlier one); an empty <paramref name="embedding"/> records that there was none.
    /// </summary>
    Task SetLearnedFaceAsync(string fileHash, string person, float[] embedding, CancellationToken cancellationToken);

    /// <summary>The learned faces with an embedding, for the gallery.</summary>
    Task<IReadOnlyList<LearnedFace>> ListLearnedFacesAsync(CancellationToken cancellationToken);

    /// <summary>Like <see cref="ListUnlearnedApprovalsAsync"/>, for the approvals not yet told to Immich (<c>Immich:AssignApprovals</c>).</summary>
    Task<IReadOnlyList<DownloadItem>> ListUnassignedApprovalsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Records that the approval of <paramref name="fileHash"/> as <paramref name="person"/> was handled, and how.</summary>
    Task SetAssignmentAsync(string fileHash, string person, string outcome, CancellationToken cancellationToken);

    Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken);

    Task SetSettingAsync(string key, string value, CancellationToken cancellationToken);
}
