using FaceSorter.Storage;
using Microsoft.Extensions.Logging;

namespace FaceSorter.Moving;

/// <summary>
/// Moves files out of the drop folder, journalled and crash-safe
/// (docs/linux-facts.md, "Moves that never overwrite", "Moves across filesystems", "Journalled moves"):
/// <list type="number">
/// <item>the intent (source, destination, the record to write) is committed to the journal first;</item>
/// <item>same filesystem: one <c>renameat2(RENAME_NOREPLACE)</c>, which never replaces a file;
/// across filesystems: copy to a hidden temporary name opened with O_EXCL, fsync, no-replace rename
/// to the final name, then unlink the source;</item>
/// <item>the touched directories are fsynced once per batch;</item>
/// <item>the caller then completes the journal and writes the record in one transaction.</item>
/// </list>
/// A crash anywhere leaves a journal entry that start-up recovery resolves from what is on disk.
/// Moves are batched so that a burst of files costs one journal transaction and one fsync per
/// directory, not one per file.
/// </summary>
public sealed class FileMover(IMoveJournal store, OwnMoves ownMoves, TimeProvider clock, ILogger<FileMover> logger)
{
    /// <summary>Pairs of (source, destination) filesystem devices already said to need copies: once each, not once per file.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(ulong Source, ulong Destination), bool> _crossings = new();

    public async Task<IReadOnlyList<MoveResult>> MoveAsync(IReadOnlyList<MoveRequest> requests, CancellationToken cancellationToken)
    {
        var reserved = new HashSet<string>(StringComparer.Ordinal);
        var planned = new List<PlannedMove>(requests.Count);
        var folders = new Dictionary<string, Exception?>(StringComparer.Ordinal); // each target folder made once per batch (issue 13), and why it could not be
        var created = new List<string>(); // target folders this batch made: taken away again when they stay empty
        var refusals = new Exception?[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            if (!folders.TryGetValue(request.TargetDirectory, out var refusal))
            {
                refusal = MakeFolder(request.TargetDirectory, created);
                folders.Add(request.TargetDirectory, refusal);
            }

            if (refusal is not null)
            {
                // A target folder that cannot be made (a file in its place, a folder that refuses writes) stops
                // the files bound for it, not the batch: nothing was journalled for them.
                refusals[i] = refusal;
                continue;
            }

            var destination = FreeName(request, reserved);
            reserved.Add(destination);
            planned.Add(new PlannedMove(request.SourcePath, destination, request.Outcome));
        }

        IReadOnlyList<long> ids;
        try
        {
            ids = planned.Count == 0 ? [] : await store.BeginMovesAsync(planned, cancellationToken);
        }
        catch
        {
            // Nothing moved (a full disk, say): an empty faces/<person>/ made for it would look like a person the user added.
            RemoveIfEmpty(created);
            throw;
        }

        var results = new List<MoveResult>(requests.Count);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var next = 0;
        for (var i = 0; i < requests.Count; i++)
        {
            if (refusals[i] is { } refusal)
            {
                results.Add(new MoveResult(requests[i], null, null, refusal));
                continue;
            }

            var (id, destination) = (ids[next], planned[next].DestinationPath);
            next++;
            try
            {
                results.Add(await MoveOneAsync(requests[i], id, destination, reserved, touched, cancellationToken));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // One file's failure (full disk, permissions) ends its journey, not the batch's.
                await store.AbandonMoveAsync(id, exception.Message, cancellationToken);
                results.Add(new MoveResult(requests[i], id, null, exception));
            }
        }

        foreach (var directory in touched)
        {
            NativeFiles.FlushDirectory(directory);
        }

        RemoveIfEmpty(created.Where(directory => !touched.Contains(directory)));
        return results;
    }

    /// <summary>Makes <paramref name="directory"/> (and its parents) when missing, noting it in <paramref name="created"/>; the reason when it cannot be made.</summary>
    private static Exception? MakeFolder(string directory, List<string> created)
    {
        try
        {
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory);
                created.Add(directory);
            }

            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // .NET says "The file '…' already exists" of a file in the way: say which, and that it is not a folder.
            return FileInTheWay(directory) is { } file
                ? new IOException($"{directory} cannot be created: {file} is a file, not a folder", exception)
                : exception;
        }
    }

    private static string? FileInTheWay(string directory)
    {
        for (var current = directory; !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            if (File.Exists(current))
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>Takes away the folders this batch made that received nothing; a folder with anything in it (the user's too) stays.</summary>
    private static void RemoveIfEmpty(IEnumerable<string> directories)
    {
        foreach (var directory in directories)
        {
            try
            {
                Directory.Delete(directory, recursive: false); // fails when anything is in it
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private async Task<MoveResult> MoveOneAsync(MoveRequest request, long journalId, string destination, HashSet<string> reserved, HashSet<string> touched, CancellationToken cancellationToken)
    {
        if (request.Unchanged is { } expected && Watching.FileIdentity.StampOf(request.SourcePath) is { } now && now != expected)
        {
            // Rewritten since it was hashed with its size and mtime as they were (its ctime moved), or replaced by a
            // rename: the decision is about other bytes (docs/linux-facts.md, "Writers FaceSorter cannot see").
            await store.AbandonMoveAsync(journalId, "changed since it was hashed", cancellationToken);
            return new MoveResult(request, journalId, null, Changed: true);
        }

        while (true)
        {
            ownMoves.Expect(destination);
            var result = NativeFiles.RenameNoReplaceOrFail(request.SourcePath, destination);
            if (result == NativeFiles.RenameResult.CrossDevice)
            {
                if (FirstAcross(request.SourcePath, request.TargetDirectory))
                {
                    logger.CrossFilesystemMoves(Path.GetDirectoryName(request.SourcePath)!, request.TargetDirectory);
                }

                logger.CrossFilesystemMove(request.SourcePath, destination);
                result = await CopyAcrossAsync(request.SourcePath, destination, cancellationToken);
            }

            switch (result)
            {
                case NativeFiles.RenameResult.Renamed:
                    if (DestinationNamer.IsShortened(request.FileName, Path.GetFileName(destination)))
                    {
                        logger.NameShortened(request.SourcePath, destination, DestinationNamer.NameMax);
                    }

                    touched.Add(request.TargetDirectory);
                    touched.Add(Path.GetDirectoryName(request.SourcePath)!);
                    return new MoveResult(request, journalId, destination);
                case NativeFiles.RenameResult.SourceMissing:
                    await store.AbandonMoveAsync(journalId, "source vanished", cancellationToken);
                    return new MoveResult(request, journalId, null);
                default:
                    // Taken since we looked (another process won the name): journal a fresh intent
                    // for the next free name.
                    await store.AbandonMoveAsync(journalId, "destination taken", cancellationToken);
                    destination = FreeName(request, reserved);
                    reserved.Add(destination);
                    journalId = (await store.BeginMovesAsync([new PlannedMove(request.SourcePath, destination, request.Outcome)], cancellationToken))[0];
                    break;
            }
        }
    }

    /// <summary>True the first time a move from the filesystem of <paramref name="source"/> to that of <paramref name="targetDirectory"/> is a copy.</summary>
    private bool FirstAcross(string source, string targetDirectory) =>
        FaceSorter.Watching.FileIdentity.OfFile(source) is not var (from, _) || FaceSorter.Watching.FileIdentity.Of(targetDirectory) is not var (to, _)
        || _crossings.TryAdd((from, to), true);

    /// <summary>
    /// Copy, fsync, no-replace rename, unlink (docs/linux-facts.md, "Moves across filesystems"). The source
    /// is removed only after the copy is complete and durable under its final name; the record is written
    /// after that, and recovery finishes any step a crash interrupted.
    /// </summary>
    internal static async Task<NativeFiles.RenameResult> CopyAcrossAsync(string source, string destination, CancellationToken cancellationToken)
    {
        var partial = PartialPath(destination);
        try
        {
            await using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1024 * 1024, FileOptions.SequentialScan | FileOptions.Asynchronous))
            await using (var output = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1024 * 1024, FileOptions.Asynchronous))
            {
                // The copy must finish even while stopping: an interrupted one is only cleaned up.
                await input.CopyToAsync(output, CancellationToken.None);
                await output.FlushAsync(CancellationToken.None);
                RandomAccess.FlushToDisk(output.SafeFileHandle);
                if (output.Length != input.Length)
                {
                    throw new IOException($"copy of {source} is {output.Length} bytes, expected {input.Length}");
                }
            }

            File.SetLastWriteTimeUtc(partial, File.GetLastWriteTimeUtc(source));
        }
        catch (FileNotFoundException)
        {
            File.Delete(partial);
            return NativeFiles.RenameResult.SourceMissing;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        var renamed = NativeFiles.RenameNoReplaceOrFail(partial, destination);
        if (renamed != NativeFiles.RenameResult.Renamed)
        {
            File.Delete(partial);
            return renamed;
        }

        NativeFiles.FlushDirectory(Path.GetDirectoryName(destination)!);
        if (Watching.FileIdentity.StampOf(source) is { } now && Watching.FileIdentity.StampOf(destination) is { } copy
            && (now.Length != copy.Length || now.LastWriteUtc != copy.LastWriteUtc))
        {
            // Someone wrote to the original while it was copied: removing it would lose that write.
            File.Delete(destination);
            throw new IOException($"{source} changed while it was copied; it stays in the drop folder");
        }

        File.Delete(source);
        return NativeFiles.RenameResult.Renamed;
    }

    /// <summary>The hidden name a cross-filesystem copy is written under until it is complete.</summary>
    public static string PartialPath(string destination) =>
        Path.Combine(Path.GetDirectoryName(destination)!, "." + Path.GetFileName(destination) + ".facesorter-partial");

    private string FreeName(MoveRequest request, HashSet<string> reserved) =>
        DestinationNamer.Candidates(request.FileName, clock.GetUtcNow())
            .Select(name => Path.Combine(request.TargetDirectory, name))
            .First(path => !reserved.Contains(path) && !Path.Exists(path)); // a file or a folder: one stat
}
