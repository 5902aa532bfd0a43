using FaceSorter.Moving;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Pipeline;

/// <summary>
/// The last net against a writer nobody saw (docs/linux-facts.md "Writers FaceSorter cannot see"): a
/// sorted file is looked at right after its move (<see cref="ChangeSince"/>) and once a second for
/// <c>BlindSettleTime</c> after it (<see cref="Watch"/>, <see cref="RunAsync"/>). If its size or mtime
/// moved since it was hashed (ctime is reset by the rename itself, so it is compared only while
/// hashing), it goes back to the drop folder through the journalled mover as a new arrival
/// (<see cref="ReturnAsync"/>): there the writer checks wait for the writer to finish, which re-running
/// it from review/ or faces/ would not do, and it gets its own name back. Completing that move
/// withdraws its record and content claim in the same transaction (<see cref="RecordKind.Returned"/>).
/// </summary>
public sealed class LateWrites(FileMover mover, IMoveJournal store, InboxLedger ledger, TimeProvider clock, IOptions<SortingOptions> sorting, ILogger<LateWrites> logger)
{
    private static readonly TimeSpan LookEvery = TimeSpan.FromSeconds(1);
    private readonly List<TakenFile> _taken = []; // sorted files still watched; guarded by itself

    /// <summary>How the file at its final path differs from what was hashed, or null when it does not (or is gone).</summary>
    public static string? ChangeSince(SortedFile file)
    {
        if (Watching.FileIdentity.StampOf(file.FinalPath) is not { } now)
        {
            return null; // moved on (the user approved it) or removed: nothing to compare
        }

        if (now.Length != file.File.Length)
        {
            return $"size {file.File.Length} -> {now.Length} bytes";
        }

        return now.LastWriteUtc != file.File.LastWriteUtc ? "modification time moved" : null;
    }

    /// <summary>Keeps looking at a sorted file for <c>BlindSettleTime</c>.</summary>
    public void Watch(SortedFile file)
    {
        lock (_taken)
        {
            _taken.Add(new TakenFile(file, clock.GetUtcNow() + sorting.Value.BlindSettleTime));
        }
    }

    /// <summary>Looks at the watched files once a second until stopped; a changed one goes back.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(LookEvery, clock, stoppingToken);
                await LookAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The file changed after it was taken: it goes back to its folder in the drop folder (journalled,
    /// under its own name or a clash-free variant), and recovery completes that after a crash, so no
    /// record is left pointing at a file that went back. The ledger lets the drop-folder path go either way.
    /// </summary>
    public async Task ReturnAsync(SortedFile file, string change, CancellationToken cancellationToken)
    {
        var destination = file.FinalPath;
        logger.ChangedAfterTaken(file.File.Path, destination, change);
        try
        {
            var back = new MoveRequest(destination, Path.GetDirectoryName(file.File.Path)!, file.File.Name,
                new OutcomeRecord(RecordKind.Returned, file.Hash, file.File.Source, null, null, $"changed after it was taken ({change})", 0, null, null));
            var result = (await mover.MoveAsync([back], cancellationToken))[0];
            if (result.FinalPath is not { } returned)
            {
                logger.FileFailed(result.Error, destination, $"changed after it was taken, but could not go back to the drop folder: {result.Error?.Message ?? "it is gone"}");
                return;
            }

            await store.CompleteMovesAsync([new CompletedMove(result.JournalId!.Value, returned)], cancellationToken);
            logger.ReturnedToDropFolder(destination, returned);
        }
        finally
        {
            ledger.Finish(file.File.Path); // the monitor looks at the drop-folder path again
        }
    }

    private async Task LookAsync(CancellationToken stoppingToken)
    {
        List<TakenFile> due;
        var now = clock.GetUtcNow();
        lock (_taken)
        {
            due = [.. _taken];
            _taken.RemoveAll(taken => taken.Until <= now);
        }

        foreach (var taken in due)
        {
            if (ChangeSince(taken.File) is not { } change)
            {
                continue;
            }

            lock (_taken)
            {
                _taken.Remove(taken);
            }

            try
            {
                await ReturnAsync(taken.File, change, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The store or the disk is failing: the file stays sorted with its record; the loop goes on.
                logger.FileFailed(exception, taken.File.FinalPath, $"changed after it was taken, but could not be sent back: {exception.Message}");
            }
        }
    }
}
