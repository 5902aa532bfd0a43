using FaceSorter.Moving;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;

namespace FaceSorter.Pipeline.Stages;

/// <summary>
/// Moves a batch of decided files out of the drop folder through the journalled <see cref="FileMover"/>
/// and records the completed moves in one store call. One outcome per file, in the batch's order.
/// If recording the completed moves fails (the database is unavailable, the disk is full), the files
/// are moved all the same and their journal entries stay 'moving': that is logged once for the batch and
/// the stage goes on, as start-up journal recovery records each such move from what is on disk
/// (<see cref="JournalRecovery"/>). It never ends the move loop.
/// </summary>
public sealed class MoveStage(FileMover mover, IMoveJournal journal, ILogger<MoveStage> logger)
{
    public async Task<IReadOnlyList<MoveOutcome>> MoveAsync(IReadOnlyList<DecidedFile> batch, CancellationToken cancellationToken)
    {
        IReadOnlyList<MoveResult> results;
        try
        {
            results = await mover.MoveAsync([.. batch.Select(file => file.Move)], cancellationToken);
        }
        catch (Exception exception)
        {
            // The journal could not be written (database unavailable, disk full): nothing was moved.
            return [.. batch.Select(file => new MoveOutcome.Failed(file, exception, exception.Message))];
        }

        var completed = results.Where(result => result.FinalPath is not null).Select(result => new CompletedMove(result.JournalId!.Value, result.FinalPath!)).ToList();
        try
        {
            await journal.CompleteMovesAsync(completed, cancellationToken);
        }
        catch (Exception exception)
        {
            // The files are where they belong; their journal entries are still 'moving', which the
            // next start's recovery completes and records (one record each, as for a crash here).
            logger.MovesNotRecorded(exception, completed.Count, exception.Message);
        }

        return [.. batch.Select((file, i) => OutcomeOf(file, results[i]))];
    }

    private static MoveOutcome OutcomeOf(DecidedFile file, MoveResult result) => result switch
    {
        { Error: { } error } => new MoveOutcome.Failed(file, error, $"move failed: {error.Message}"),
        { Changed: true } => new MoveOutcome.Changed(file),
        { FinalPath: { } finalPath } => new MoveOutcome.Moved(new SortedFile(file.File, file.Hash, file.Decision, finalPath)),
        _ => new MoveOutcome.Vanished(file),
    };
}

/// <summary>What became of one file of a batch in <see cref="MoveStage"/>.</summary>
public abstract record MoveOutcome
{
    private MoveOutcome()
    {
    }

    /// <summary>Moved and recorded.</summary>
    public sealed record Moved(SortedFile File) : MoveOutcome;

    /// <summary>Not moved: the file changed since it was hashed (<see cref="MoveResult.Changed"/>); it is hashed again once it settles.</summary>
    public sealed record Changed(DecidedFile Decided) : MoveOutcome;

    /// <summary>The file was gone from the drop folder when its move began.</summary>
    public sealed record Vanished(DecidedFile Decided) : MoveOutcome;

    /// <summary>Not moved: <paramref name="Reason"/> is what the file is held with.</summary>
    public sealed record Failed(DecidedFile Decided, Exception Error, string Reason) : MoveOutcome;
}
