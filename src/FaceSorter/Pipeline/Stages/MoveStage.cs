using FaceSorter.Moving;
using FaceSorter.Storage;

namespace FaceSorter.Pipeline.Stages;

/// <summary>
/// Moves a batch of decided files out of the drop folder through the journalled <see cref="FileMover"/>
/// and records the completed moves in one store call. One outcome per file, in the batch's order.
/// </summary>
public sealed class MoveStage(FileMover mover, IMoveJournal journal)
{
    /// <exception cref="Exception">Recording the completed moves failed; the files are moved and journal recovery records them at the next start.</exception>
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
        await journal.CompleteMovesAsync(completed, cancellationToken);
        return [.. batch.Select((file, i) => OutcomeOf(file, results[i]))];
    }

    private static MoveOutcome OutcomeOf(DecidedFile file, MoveResult result) => result switch
    {
        { Error: { } error } => new MoveOutcome.Failed(file, error, $"move failed: {error.Message}"),
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

    /// <summary>The file was gone from the drop folder when its move began.</summary>
    public sealed record Vanished(DecidedFile Decided) : MoveOutcome;

    /// <summary>Not moved: <paramref name="Reason"/> is what the file is held with.</summary>
    public sealed record Failed(DecidedFile Decided, Exception Error, string Reason) : MoveOutcome;
}
