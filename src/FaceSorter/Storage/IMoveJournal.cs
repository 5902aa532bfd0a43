namespace FaceSorter.Storage;

/// <summary>
/// The move journal that makes moves crash-safe (docs/contracts.md, "Tables"): every move is journalled
/// before it happens and completed, with the record it leaves, in one transaction after it; start-up
/// recovery finishes what a crash left. Also what the journal's completions recorded about where files
/// went (sorted moves, companions).
/// </summary>
public interface IMoveJournal
{
    /// <summary>Journals the intent to move files before any of them is moved; returns one id per move.</summary>
    Task<IReadOnlyList<long>> BeginMovesAsync(IReadOnlyList<PlannedMove> moves, CancellationToken cancellationToken);

    /// <summary>
    /// Marks journalled moves done and applies what each journal entry says to record (see <see cref="RecordKind"/>:
    /// a <c>downloads</c>, <c>review_queue</c> or <c>companions</c> row, an approval, or the withdrawal of the
    /// record a returned file left), and ends any hold (<c>held_files</c>) on the source path, all in one
    /// transaction, so a file never has a half-written record.
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
}
