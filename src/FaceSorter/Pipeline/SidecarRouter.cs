using FaceSorter.Moving;
using FaceSorter.Settling;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;

namespace FaceSorter.Pipeline;

/// <summary>
/// Takes a settled sidecar (<see cref="Sidecars"/>) in the drop folder to its owner (docs/linux-facts.md,
/// "Sidecars"). A sidecar is never sorted on its own:
/// <list type="bullet">
/// <item>its owner is still in the drop folder (or still downloading) → it stays, held with a reason, and
/// is looked at again when the owner moves;</item>
/// <item>its owner was sorted (found by its drop-folder path in the move journal) → it is moved beside it
/// under the owner's final name (same folder, prefix and clash suffix) with the journalled
/// <see cref="FileMover"/>, and recorded as belonging to it;</item>
/// <item>no owner → it stays, held with a reason; gallery-dl's <c>info.json</c> always stays.</item>
/// </list>
/// Each hold is logged once per reason.
/// </summary>
public sealed class SidecarRouter(FileMover mover, IMoveJournal journal, IHeldFiles heldFiles, IDownloadRecords downloadRecords, IReviewQueue reviewQueue, ILogger<SidecarRouter> logger)
{
    // The reason last recorded per held sidecar, so a re-check that finds nothing new logs nothing.
    private readonly Dictionary<string, string> _held = new(StringComparer.Ordinal);

    /// <param name="path">A settled sidecar in the drop folder.</param>
    /// <param name="source">Its drop-folder sub-folder (<see cref="InboxFile.SourceOf"/>).</param>
    public async Task<SidecarStep> RouteAsync(string path, string? source, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var directory = Path.GetDirectoryName(path)!;
        try
        {
            if (Sidecars.DescribesWholeFolder(name))
            {
                return await HoldAsync(path, $"it is {Sidecars.ToolOf(name)}, about a whole gallery, not one picture: FaceSorter leaves it here", SidecarStep.Held, cancellationToken);
            }

            var siblings = Directory.EnumerateFiles(directory).Select(Path.GetFileName).OfType<string>();
            if (Sidecars.FindOwner(name, siblings) is { } waiting)
            {
                var state = waiting.StillDownloading ? "still downloading" : "not sorted yet";
                return await HoldAsync(path, $"sidecar of {waiting.Name} ({state}): it moves with it", SidecarStep.Waiting, cancellationToken);
            }

            if (await FindSortedOwnerAsync(path, cancellationToken) is not { } owner)
            {
                return await HoldAsync(path, $"sidecar of {Sidecars.DescribeOwner(name)}, which is not in the drop folder", SidecarStep.Held, cancellationToken);
            }

            if (await LocateAsync(owner, cancellationToken) is not { } ownerNow)
            {
                return await HoldAsync(path, $"sidecar of {Path.GetFileName(owner.SourcePath)}, which was sorted to {owner.DestinationPath} and is no longer there", SidecarStep.Held, cancellationToken);
            }

            return await FollowAsync(path, source, Path.GetFileName(owner.SourcePath), ownerNow, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.SidecarFailed(exception, path, exception.Message);
            _held[path] = exception.Message;
            return SidecarStep.Held;
        }
    }

    /// <summary>Forgets what was logged about <paramref name="path"/> (it left the drop folder).</summary>
    public void Forget(string path) => _held.Remove(path);

    private async Task<SortedMove?> FindSortedOwnerAsync(string path, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var directory = Path.GetDirectoryName(path)!;
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var prefix = Path.Combine(directory, dot > 0 ? name[..dot] : name);
        var moves = (await journal.FindSortedFromAsync(prefix, cancellationToken))
            .Where(move => move.Kind != RecordKind.Companion && string.Equals(Path.GetDirectoryName(move.SourcePath), directory, StringComparison.Ordinal))
            .ToList();
        if (Sidecars.FindOwner(name, moves.Select(move => Path.GetFileName(move.SourcePath))) is not { StillDownloading: false } owner)
        {
            return null;
        }

        return moves.First(move => string.Equals(Path.GetFileName(move.SourcePath), owner.Name, StringComparison.Ordinal)); // newest first
    }

    /// <summary>Where the sorted owner is now: where it was moved to, or where its content's record says it went since.</summary>
    private async Task<string?> LocateAsync(SortedMove owner, CancellationToken cancellationToken)
    {
        if (File.Exists(owner.DestinationPath) || owner.FileHash is not { } hash)
        {
            return File.Exists(owner.DestinationPath) ? owner.DestinationPath : null;
        }

        var downloads = (await downloadRecords.ListDownloadsAsync(hash, cancellationToken)).Select(download => download.FilePath);
        var reviews = (await reviewQueue.FindReviewByHashAsync(hash, cancellationToken)).Select(review => review.FilePath);
        return downloads.Concat(reviews).FirstOrDefault(File.Exists);
    }

    private async Task<SidecarStep> FollowAsync(string path, string? source, string ownerName, string ownerNow, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var outcome = new OutcomeRecord(RecordKind.Companion, null, source, null, null, $"sidecar of {ownerName}", 0, null, null, OwnerPath: ownerNow);
        var request = new MoveRequest(path, Path.GetDirectoryName(ownerNow)!, Sidecars.FollowName(name, ownerName, Path.GetFileName(ownerNow)), outcome);

        // Like the pipeline's move stage: a started move is finished and recorded even while stopping.
        var result = (await mover.MoveAsync([request], CancellationToken.None))[0];
        if (result.Error is { } error)
        {
            return await HoldAsync(path, $"sidecar of {ownerName}: move failed: {error.Message}", SidecarStep.Held, cancellationToken);
        }

        if (result.FinalPath is { } finalPath)
        {
            await journal.CompleteMovesAsync([new CompletedMove(result.JournalId!.Value, finalPath)], CancellationToken.None);
            logger.SidecarFollowed(path, finalPath, ownerNow);
        }

        _held.Remove(path);
        await heldFiles.ReleaseHoldAsync(path, cancellationToken);
        return SidecarStep.Moved;
    }

    private async Task<SidecarStep> HoldAsync(string path, string reason, SidecarStep step, CancellationToken cancellationToken)
    {
        if (_held.TryGetValue(path, out var known) && known == reason)
        {
            return step;
        }

        logger.SidecarHeld(path, reason);
        await heldFiles.HoldAsync(path, reason, cancellationToken);
        _held[path] = reason;
        return step;
    }
}

/// <summary>What became of a settled sidecar.</summary>
public enum SidecarStep
{
    /// <summary>Its owner is in the drop folder: it stays (held) until the owner moves.</summary>
    Waiting,

    /// <summary>It stays in the drop folder with a recorded reason (no owner, or a failure).</summary>
    Held,

    /// <summary>It followed its sorted owner (or vanished meanwhile).</summary>
    Moved,
}
