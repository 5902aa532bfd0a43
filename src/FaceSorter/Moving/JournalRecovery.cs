using System.Security.Cryptography;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Moving;

/// <summary>
/// At start-up, resolves every move a crash left unfinished from what is on disk, so that every
/// file is in exactly one place with exactly one record (docs/linux-facts.md, "Journalled moves"):
/// <list type="bullet">
/// <item>at the destination only → the move happened: write its record;</item>
/// <item>at both (a cross-filesystem copy finished, the source was not yet removed) → if the copy
/// has the same content, remove the source and write the record; otherwise keep both and abandon;</item>
/// <item>at the source only → the move never happened: abandon (our own partial copy, if any, is
/// removed) and the drop-folder scan sorts the file again;</item>
/// <item>nowhere → the user removed it meanwhile: abandon.</item>
/// </list>
/// Only moves out of this daemon's own folders are touched: with a shared PostgreSQL store another
/// daemon's moves may be in progress right now.
/// </summary>
public sealed class JournalRecovery(IMoveJournal store, IOptions<DirectoriesOptions> directories, ILogger<JournalRecovery> logger)
{
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var own = new[] { directories.Value.Inbox, directories.Value.Review, directories.Value.Faces }.Select(folder => folder.TrimEnd('/') + "/").ToList();
        var entries = (await store.GetUnfinishedMovesAsync(cancellationToken))
            .Where(entry => own.Any(folder => entry.SourcePath.StartsWith(folder, StringComparison.Ordinal)))
            .ToList();
        foreach (var entry in entries)
        {
            await RecoverAsync(entry, cancellationToken);
        }

        return entries.Count;
    }

    private async Task RecoverAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        var atSource = File.Exists(entry.SourcePath);
        var atDestination = File.Exists(entry.DestinationPath);
        var partial = FileMover.PartialPath(entry.DestinationPath);
        if (File.Exists(partial))
        {
            File.Delete(partial); // our own unfinished copy; the source is still intact
        }

        string outcome;
        if (atDestination && atSource)
        {
            if (await SameContentAsync(entry.SourcePath, entry.DestinationPath, cancellationToken))
            {
                File.Delete(entry.SourcePath);
                await store.CompleteMovesAsync([new CompletedMove(entry.Id, entry.DestinationPath)], cancellationToken);
                outcome = "copy verified, source removed, recorded";
            }
            else
            {
                await store.AbandonMoveAsync(entry.Id, "destination holds other content", cancellationToken);
                outcome = "destination holds other content; source left in place";
            }
        }
        else if (atDestination)
        {
            await store.CompleteMovesAsync([new CompletedMove(entry.Id, entry.DestinationPath)], cancellationToken);
            outcome = "moved, recorded";
        }
        else if (atSource)
        {
            await store.AbandonMoveAsync(entry.Id, "interrupted before the move", cancellationToken);
            outcome = "not moved; will be sorted again";
        }
        else
        {
            await store.AbandonMoveAsync(entry.Id, "file gone", cancellationToken);
            outcome = "file gone";
        }

        logger.MoveRecovered(entry.SourcePath, entry.DestinationPath, outcome);
    }

    private static async Task<bool> SameContentAsync(string first, string second, CancellationToken cancellationToken)
    {
        if (new FileInfo(first).Length != new FileInfo(second).Length)
        {
            return false;
        }

        var firstHash = await HashAsync(first, cancellationToken);
        var secondHash = await HashAsync(second, cancellationToken);
        return firstHash.SequenceEqual(secondHash);
    }

    private static async Task<byte[]> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1024 * 1024, FileOptions.SequentialScan);
        return await SHA256.HashDataAsync(stream, cancellationToken);
    }
}
