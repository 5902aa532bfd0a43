using System.Threading.Channels;
using FaceSorter.Decisions;
using FaceSorter.Hashing;
using FaceSorter.Immich;
using FaceSorter.Moving;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Pipeline;

/// <summary>
/// Owns the bounded channels between the stages and their reader loops:
/// settled files → hash + duplicate check (2 workers) → Immich check (<c>Immich:MaxConcurrentRequests</c>
/// workers) → decide + move + record (1 worker, in batches). Every channel is bounded with
/// <see cref="BoundedChannelFullMode.Wait"/>: a full pipeline makes its producer wait and never
/// drops a file. Stages know nothing about channels.
/// A sorted file is then watched for late writes (<see cref="LateWrites"/>).
/// </summary>
public sealed class SortingPipeline : BackgroundService
{
    private const int HashWorkers = 2;
    private const int MaxMoveBatch = 128;

    private readonly Channel<InboxFile> _settled;
    private readonly Channel<SortItem> _toCheck;
    private readonly Channel<SortItem> _toMove;
    private readonly Hasher _hasher;
    private readonly DuplicateChecker _duplicates;
    private readonly FaceChecker _faces;
    private readonly FileMover _mover;
    private readonly IMoveJournal _journal;
    private readonly IHeldFiles _heldFiles;
    private readonly IContentClaims _claims;
    private readonly SortingSettings _settings;
    private readonly InboxLedger _ledger;
    private readonly RunSummary _summary;
    private readonly RunMode _mode;
    private readonly DirectoriesOptions _directories;
    private readonly int _checkWorkers;
    private readonly LateWrites _lateWrites;
    private readonly ILogger<SortingPipeline> _logger;

    public SortingPipeline(
        Hasher hasher,
        DuplicateChecker duplicates,
        FaceChecker faces,
        FileMover mover,
        IMoveJournal journal,
        IHeldFiles heldFiles,
        IContentClaims claims,
        SortingSettings settings,
        InboxLedger ledger,
        RunSummary summary,
        RunMode mode,
        IOptions<DirectoriesOptions> directories,
        IOptions<SortingOptions> sorting,
        IOptions<ImmichOptions> immich,
        LateWrites lateWrites,
        ILogger<SortingPipeline> logger)
    {
        _hasher = hasher;
        _duplicates = duplicates;
        _faces = faces;
        _mover = mover;
        _journal = journal;
        _heldFiles = heldFiles;
        _claims = claims;
        _settings = settings;
        _ledger = ledger;
        _summary = summary;
        _mode = mode;
        _directories = directories.Value;
        _checkWorkers = immich.Value.MaxConcurrentRequests;
        _lateWrites = lateWrites;
        _logger = logger;
        var capacity = sorting.Value.PipelineCapacity;
        _settled = Channel.CreateBounded<InboxFile>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = true });
        _toCheck = Channel.CreateBounded<SortItem>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
        _toMove = Channel.CreateBounded<SortItem>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    /// <summary>Where the drop-folder monitor hands settled files in.</summary>
    public ChannelWriter<InboxFile> Inbox => _settled.Writer;

    /// <summary>Files handed in and not yet finished (queued or in a stage).</summary>
    public int Depth => _ledger.InFlightCount;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Stopping: the monitor stops first and completes Inbox. Hash and Immich workers end at
        // cancellation, abandoning the file in hand (it is untouched in the drop folder and is picked
        // up by the next start's scan). The move worker finishes the batch in hand without a token,
        // so no move is left half-done and every completed move is recorded. Items still queued are
        // files that were never touched. The journal is consistent at every point.
        var hashing = Enumerable.Range(0, HashWorkers).Select(_ => HashLoopAsync(stoppingToken)).ToArray();
        var checking = Enumerable.Range(0, _checkWorkers).Select(_ => CheckLoopAsync(stoppingToken)).ToArray();
        var moving = MoveLoopAsync(stoppingToken);
        var watchingTaken = _lateWrites.RunAsync(stoppingToken);
        try
        {
            await Task.WhenAll(hashing);
        }
        finally
        {
            _toCheck.Writer.TryComplete();
        }

        try
        {
            await Task.WhenAll(checking);
        }
        finally
        {
            _toMove.Writer.TryComplete();
        }

        await moving;
        await watchingTaken;
    }

    private async Task HashLoopAsync(CancellationToken stoppingToken)
    {
        await foreach (var file in ReadUntilStopped(_settled.Reader, stoppingToken))
        {
            await RunStageAsync(file, () => HashAsync(file, stoppingToken), stoppingToken);
        }
    }

    private async Task HashAsync(InboxFile file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file.Path))
        {
            _logger.FileVanished(file.Path);
            _ledger.Finish(file.Path);
            return;
        }

        if (ImageSniffer.WhyNotAnImage(file.Path, file.Length) is { } notAnImage)
        {
            await _toMove.Writer.WriteAsync(new SortItem(file, Input: DecisionInput.Invalid(notAnImage)), cancellationToken);
            return;
        }

        var hash = await _hasher.HashAsync(file.Path, file.Length, file.LastWriteUtc, cancellationToken);
        if (hash is null)
        {
            _logger.ChangedWhileHashing(file.Path);
            _ledger.Requeue(file.Path);
            return;
        }

        var item = new SortItem(file, hash);
        if (await _duplicates.FindEarlierCopyAsync(hash, file.Path, cancellationToken) is { } earlier)
        {
            await _toMove.Writer.WriteAsync(item with { Input = DecisionInput.Duplicate(earlier) }, cancellationToken);
            return;
        }

        await _toCheck.Writer.WriteAsync(item, cancellationToken);
    }

    private async Task CheckLoopAsync(CancellationToken stoppingToken)
    {
        await foreach (var item in ReadUntilStopped(_toCheck.Reader, stoppingToken))
        {
            await RunStageAsync(item.File, () => CheckAsync(item, stoppingToken), stoppingToken, item.Hash);
        }
    }

    private async Task CheckAsync(SortItem item, CancellationToken cancellationToken)
    {
        var check = await _faces.CheckAsync(new FaceCheckRequest(item.File.Path, item.Hash!, item.File.Length), waitOutOutages: !_mode.ScanOnce, cancellationToken);
        var next = check switch
        {
            FaceCheck.Analyzed analyzed => item.WithFaces(analyzed),
            FaceCheck.Unreadable unreadable => item with { Input = DecisionInput.Invalid($"Immich cannot read it: {unreadable.Reason}") },
            FaceCheck.NotAccepted notAccepted => item with { Input = DecisionInput.Invalid(notAccepted.Reason) },
            _ => throw new InvalidOperationException($"unknown face check result {check}"),
        };
        if (next.AssetNote is { } note)
        {
            _logger.FaceNote(item.File.Path, note);
        }

        await _toMove.Writer.WriteAsync(next, cancellationToken);
    }

    private async Task MoveLoopAsync(CancellationToken stoppingToken)
    {
        var reader = _toMove.Reader;
        var batch = new List<SortItem>(MaxMoveBatch);
        while (await WaitToReadAsync(reader, stoppingToken))
        {
            batch.Clear();
            while (batch.Count < MaxMoveBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            // The batch in hand is finished even while stopping: a move is never left half-done.
            await MoveBatchAsync(batch, CancellationToken.None);
        }
    }

    private async Task MoveBatchAsync(List<SortItem> batch, CancellationToken cancellationToken)
    {
        var rules = _settings.Rules;
        var requests = new List<MoveRequest>(batch.Count);
        var decisions = new List<Decision>(batch.Count);
        foreach (var item in batch)
        {
            var decision = Decider.Decide(item.Input!, rules);
            decisions.Add(decision);
            requests.Add(SortPlan.For(item, decision, _directories));
        }

        IReadOnlyList<MoveResult> results;
        try
        {
            results = await _mover.MoveAsync(requests, cancellationToken);
        }
        catch (Exception exception)
        {
            // The journal could not be written (database unavailable, disk full): nothing was moved.
            foreach (var item in batch)
            {
                await FailAsync(item.File, exception, exception.Message, item.Hash, cancellationToken);
            }

            return;
        }

        var completed = results.Where(result => result.FinalPath is not null).Select(result => new CompletedMove(result.JournalId!.Value, result.FinalPath!)).ToList();
        await _journal.CompleteMovesAsync(completed, cancellationToken);
        for (var i = 0; i < batch.Count; i++)
        {
            await ReportAsync(batch[i], decisions[i], results[i], cancellationToken);
        }
    }

    private async Task ReportAsync(SortItem item, Decision decision, MoveResult result, CancellationToken cancellationToken)
    {
        if (result.Error is { } error)
        {
            await FailAsync(item.File, error, $"move failed: {error.Message}", item.Hash, cancellationToken);
            return;
        }

        if (result.FinalPath is not { } finalPath)
        {
            _logger.FileVanished(item.File.Path);
            _ledger.Finish(item.File.Path);
            return;
        }

        if (LateWrites.ChangeSince(item, finalPath) is { } change)
        {
            await _lateWrites.ReturnAsync(item, finalPath, change, cancellationToken);
            return;
        }

        if (!_mode.ScanOnce)
        {
            _lateWrites.Watch(item, finalPath);
        }

        var destination = Path.GetRelativePath(decision.IsSorted ? _directories.Faces : _directories.Review, finalPath);
        var area = decision.IsSorted ? "faces" : "review";
        _logger.FileSorted(item.File.Path, $"{area}/{destination}", decision.Detail);
        _summary.Sorted(decision.IsSorted ? $"faces/{decision.Person}" : $"review/{decision.Category}");
        _ledger.Finish(item.File.Path);
        await _heldFiles.ReleaseHoldAsync(item.File.Path, cancellationToken);
    }

    /// <summary>Runs one stage for one file; a failure ends that file's journey, never the loop.</summary>
    private async Task RunStageAsync(InboxFile file, Func<Task> stage, CancellationToken stoppingToken, string? hash = null)
    {
        try
        {
            await stage();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the file stays untouched in the drop folder.
        }
        catch (FileNotFoundException)
        {
            _logger.FileVanished(file.Path);
            _ledger.Finish(file.Path);
        }
        catch (FaceServiceUnavailableException exception)
        {
            await FailAsync(file, null, $"Immich unavailable: {exception.Message}", hash, stoppingToken);
        }
        catch (Exception exception)
        {
            await FailAsync(file, exception, exception.Message, hash, stoppingToken);
        }
    }

    private async Task FailAsync(InboxFile file, Exception? exception, string reason, string? hash, CancellationToken cancellationToken)
    {
        _logger.FileFailed(exception, file.Path, reason);
        _summary.Failure();
        _ledger.Fail(file);
        try
        {
            if (hash is not null)
            {
                await _claims.ReleaseClaimAsync(hash, file.Path, cancellationToken);
            }

            await _heldFiles.HoldAsync(file.Path, reason, cancellationToken);
        }
        catch (Exception)
        {
            // The store itself is failing (that may be why we are here); the log line above is the record.
        }
    }

    private static async IAsyncEnumerable<T> ReadUntilStopped<T>(ChannelReader<T> reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken stoppingToken)
    {
        while (await WaitToReadAsync(reader, stoppingToken))
        {
            while (!stoppingToken.IsCancellationRequested && reader.TryRead(out var item))
            {
                yield return item;
            }
        }
    }

    private static async Task<bool> WaitToReadAsync<T>(ChannelReader<T> reader, CancellationToken stoppingToken)
    {
        try
        {
            return await reader.WaitToReadAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
