using System.Collections.Concurrent;
using System.Threading.Channels;
using FaceSorter.Immich;
using FaceSorter.Options;
using FaceSorter.Pipeline.Stages;
using FaceSorter.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Pipeline;

/// <summary>
/// Owns the bounded channels between the stages and their reader loops:
/// settled files → <see cref="HashStage"/> (hash + duplicate check, 2 workers) → <see cref="FaceCheckStage"/>
/// (<c>Immich:MaxConcurrentRequests</c> + 2 workers, at most MaxConcurrentRequests of them at Immich; a file
/// whose faces wait for the gallery's first load lets its worker go) → <see cref="SortPlan"/> + <see cref="MoveStage"/>
/// (decide + move + record, 1 worker, in batches). Each channel carries the record of its boundary
/// (<see cref="InboxFile"/>, <see cref="HashedFile"/>, <see cref="CheckedFile"/>). Every channel is bounded
/// with <see cref="BoundedChannelFullMode.Wait"/>: a full pipeline makes its producer wait and never
/// drops a file. Stages know nothing about channels; this class routes what they return, ends each
/// file's journey (the ledger, the run summary, the held-file reason) and turns a stage's failure into
/// that file's held reason. A sorted file is then watched for late writes (<see cref="LateWrites"/>).
/// While Immich is down and the files queued for it fill the Immich stage, the next files that need it
/// wait in the drop folder instead (<see cref="InboxLedger.WaitForImmich"/>), so duplicates and files that
/// need no Immich behind them are still sorted (docs/architecture.md, "A bounded working set").
/// </summary>
public sealed class SortingPipeline : BackgroundService
{
    private const int HashWorkers = 2;
    // A batch costs two journal transactions and one fsync per touched folder, whatever its size: in a
    // burst the move worker takes up to this many queued files at once (issue 13); at idle it takes one.
    private const int MaxMoveBatch = 512;

    // Settled files a hash worker takes at once when they queue up: their content claims take one
    // transaction (issue 13). Small enough that the first of them waits little for the last one's hash.
    private const int MaxClaimBatch = 64;

    // Face-check workers beyond Immich:MaxConcurrentRequests: they make the next files' preview or
    // SHA-1 and match the last answer while the slots (ImmichRequestSlots) wait on Immich, so
    // Immich gets its next file as soon as it answers the last one.
    private const int ExtraCheckWorkers = 2;

    private readonly Channel<InboxFile> _settled;
    private readonly Channel<HashedFile> _toCheck;
    private readonly Channel<CheckedFile> _toMove;
    private readonly Channel<(string Path, string Hash)> _goneWhileSetAside = Channel.CreateUnbounded<(string Path, string Hash)>(new UnboundedChannelOptions { SingleReader = true }); // at most the ledger's set-aside files
    private readonly ConcurrentDictionary<Task, byte> _matchingLater = new();
    private readonly HashStage _hashing;
    private readonly FaceCheckStage _checking;
    private readonly MoveStage _moving;
    private readonly IHeldFiles _heldFiles;
    private readonly IContentClaims _claims;
    private readonly SortingSettings _settings;
    private readonly InboxLedger _ledger;
    private readonly RunSummary _summary;
    private readonly RunMode _mode;
    private readonly DirectoriesOptions _directories;
    private readonly int _checkWorkers;
    private readonly int _capacity;
    private readonly LateWrites _lateWrites;
    private readonly Review.ReviewThumbnails _thumbnails;
    private readonly ImmichOutage _outage;
    private readonly ILogger<SortingPipeline> _logger;
    private readonly SpaceRetry _spaceRetry;
    private readonly DestinationRetry _destinationRetry;
    private int _settingAside; // 1 once a file was set aside for Immich in this outage: said once, at the first

    public SortingPipeline(
        HashStage hashing,
        FaceCheckStage checking,
        MoveStage moving,
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
        Review.ReviewThumbnails thumbnails,
        ImmichOutage outage,
        SpaceRetry spaceRetry,
        DestinationRetry destinationRetry,
        ILogger<SortingPipeline> logger)
    {
        _spaceRetry = spaceRetry;
        _destinationRetry = destinationRetry;
        _hashing = hashing;
        _checking = checking;
        _moving = moving;
        _heldFiles = heldFiles;
        _claims = claims;
        _settings = settings;
        _ledger = ledger;
        _summary = summary;
        _mode = mode;
        _directories = directories.Value;
        _checkWorkers = immich.Value.MaxConcurrentRequests + ExtraCheckWorkers;
        _lateWrites = lateWrites;
        _thumbnails = thumbnails;
        _outage = outage;
        _logger = logger;
        ledger.WaitingForImmichGone += (path, hash) => _goneWhileSetAside.Writer.TryWrite((path, hash));
        outage.Changed += (down, _) =>
        {
            if (!down)
            {
                ReleaseWaitingForImmich();
            }
        };
        var capacity = _capacity = sorting.Value.PipelineCapacity;
        _settled = Channel.CreateBounded<InboxFile>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = true });
        _toCheck = Channel.CreateBounded<HashedFile>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
        _toMove = Channel.CreateBounded<CheckedFile>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
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
        var forgetting = ForgetGoneLoopAsync(stoppingToken);
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
            await Task.WhenAll(_matchingLater.Keys);
        }
        finally
        {
            _toMove.Writer.TryComplete();
        }

        await moving;
        await watchingTaken;
        await forgetting;
    }

    /// <summary>
    /// A file set aside for Immich left the drop folder without us: its claim and its hold are given up, as for
    /// a file that vanished in the pipeline (<see cref="VanishedAsync"/>), so a later copy of it is not called
    /// a copy of a file that is gone (a shared PostgreSQL store never drops such a claim on its own).
    /// </summary>
    private async Task ForgetGoneLoopAsync(CancellationToken stoppingToken)
    {
        await foreach (var (path, hash) in ReadUntilStopped(_goneWhileSetAside.Reader, stoppingToken))
        {
            _logger.FileVanished(path);
            try
            {
                await _claims.ReleaseClaimAsync(hash, path, stoppingToken);
                await _heldFiles.ReleaseHoldAsync(path, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // the next start finds the claim's file gone (SQLite) or the next scan the hold's
            }
            catch (Exception exception)
            {
                _logger.FileFailed(exception, path, exception.Message); // the store is failing; its claim stays as a restart would find it
            }
        }
    }

    private async Task HashLoopAsync(CancellationToken stoppingToken)
    {
        var reader = _settled.Reader;
        var files = new List<InboxFile>(MaxClaimBatch);
        var hashed = new List<HashOutcome.Hashed>(MaxClaimBatch);
        while (await WaitToReadAsync(reader, stoppingToken))
        {
            // What is queued, up to a batch: each file read and hashed on its own, then their contents
            // claimed over one connection (issue 13); at idle the batch is the one file.
            files.Clear();
            hashed.Clear();
            while (files.Count < MaxClaimBatch && !stoppingToken.IsCancellationRequested && reader.TryRead(out var file))
            {
                files.Add(file);
            }

            foreach (var file in files)
            {
                await RunStageAsync(file, null, async () =>
                {
                    var read = await _hashing.ReadAsync(file, stoppingToken);
                    if (read is HashOutcome.Hashed toClaim)
                    {
                        hashed.Add(toClaim);
                    }
                    else
                    {
                        await RouteAsync(file, read, stoppingToken);
                    }
                }, stoppingToken);
            }

            if (hashed.Count > 0)
            {
                await ClaimBatchAsync(hashed, stoppingToken);
            }
        }
    }

    private async Task ClaimBatchAsync(List<HashOutcome.Hashed> hashed, CancellationToken stoppingToken)
    {
        IReadOnlyList<ClaimedFile> claimed;
        try
        {
            claimed = await _hashing.FindEarlierCopiesAsync(hashed, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return; // stopping: the files stay untouched in the drop folder
        }
        catch (Exception exception)
        {
            // The store failed the claims: each file of the batch is held with the reason (a claim already
            // made is kept, as for any failure of one file: the file is the same one when checked again).
            foreach (var file in hashed)
            {
                await FailAsync(file.File, exception, exception.Message, stoppingToken);
            }

            return;
        }

        try
        {
            foreach (var file in claimed)
            {
                var (inboxFile, hash) = file.File;
                await RunStageAsync(inboxFile, hash, async () => await RouteAsync(inboxFile, await _hashing.CheckAsync(file, stoppingToken), stoppingToken), stoppingToken);
            }
        }
        finally
        {
            // A file that failed or was stopped before its check gives up its turn, so later files' lookups go on.
            foreach (var file in claimed)
            {
                file.Turn.Dispose();
            }
        }
    }

    private async Task RouteAsync(InboxFile file, HashOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case HashOutcome.ToCheck toCheck:
                if (!await QueueForCheckAsync(toCheck.File, cancellationToken))
                {
                    await WaitForImmichInDropFolderAsync(file, toCheck.File.Hash, cancellationToken);
                }

                break;
            case HashOutcome.Known known:
                await _toMove.Writer.WriteAsync(known.File, cancellationToken);
                break;
            case HashOutcome.Changed:
                _logger.ChangedWhileHashing(file.Path);
                _ledger.Requeue(file.Path);
                break;
            case HashOutcome.Gone:
                await VanishedAsync(file, null, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Queues the file for the Immich stage, waiting for room; false, at once, when there is none while Immich
    /// is down (the daemon only: a one-shot scan fails such files fast, so its queue never stays full).
    /// </summary>
    private async Task<bool> QueueForCheckAsync(HashedFile file, CancellationToken cancellationToken)
    {
        var writer = _toCheck.Writer;
        while (!writer.TryWrite(file))
        {
            if (!_mode.ScanOnce && _outage.IsDown)
            {
                return false;
            }

            // Room, or Immich going down while this waits: whichever comes first.
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var room = writer.WaitToWriteAsync(wake.Token).AsTask();
            await Task.WhenAny(room, _outage.WhenDownAsync(wake.Token));
            await wake.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            if (room.IsCompletedSuccessfully && !await room)
            {
                throw new ChannelClosedException();
            }
        }

        return true;
    }

    /// <summary>
    /// The file needs Immich, which is down, and the files queued for it fill the Immich stage: it leaves the
    /// pipeline untouched, held in the drop folder with the outage as its reason, until Immich answers again
    /// (<see cref="ReleaseWaitingForImmich"/>). Its content claim is kept, as for any held file (<see cref="FailAsync"/>).
    /// </summary>
    private async Task WaitForImmichInDropFolderAsync(InboxFile file, string hash, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _settingAside, 1) == 0)
        {
            _logger.FilesWaitForImmichInDropFolder(_capacity, InboxLedger.MaxWaitingForImmich);
        }

        try
        {
            await _heldFiles.HoldAsync(file.Path, $"Immich unavailable: {_outage.Reason}", cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The store is failing: the ledger below keeps the file waiting all the same, and the log says why.
            _logger.FileFailed(exception, file.Path, exception.Message);
        }

        var remembered = _ledger.WaitForImmich(file, hash);
        _logger.FileWaitsForImmichInDropFolder(file.Path, remembered);
        if (!_outage.IsDown)
        {
            ReleaseWaitingForImmich(); // Immich came back while this file was set aside: it must not wait for the next outage's end
        }
    }

    /// <summary>Immich answers again: the files that wait for it in the drop folder are handed in again (the monitor scans for them).</summary>
    private void ReleaseWaitingForImmich()
    {
        // The count too, not only the flag: a file set aside while an earlier release ran is released by its own check.
        if (Interlocked.Exchange(ref _settingAside, 0) == 1 || _ledger.SetAsideCount > 0)
        {
            _logger.FilesWaitingForImmichReleased(_ledger.ReleaseWaitingForImmich());
        }
    }

    private async Task CheckLoopAsync(CancellationToken stoppingToken)
    {
        await foreach (var hashed in ReadUntilStopped(_toCheck.Reader, stoppingToken))
        {
            await RunStageAsync(hashed.File, hashed.Hash, () => CheckAsync(hashed, stoppingToken), stoppingToken);
        }
    }

    private async Task CheckAsync(HashedFile file, CancellationToken cancellationToken)
    {
        var checking = await _checking.StartAsync(file, cancellationToken);
        if (checking.IsCompleted || _matchingLater.Count >= _capacity)
        {
            await _toMove.Writer.WriteAsync(await checking, cancellationToken);
            return;
        }

        // Its faces wait for the gallery's first load: the worker goes on with the next file, so files
        // behind this one (duplicates and files without faces too) never wait for that load (issue 13,
        // docs/matching.md, "Gallery load"). The ML service's pace keeps such files far fewer than
        // PipelineCapacity in one load; the cap holds when loads keep failing and files keep coming.
        var finishing = RunStageAsync(file.File, file.Hash, async () => await _toMove.Writer.WriteAsync(await checking, cancellationToken), cancellationToken);
        _matchingLater.TryAdd(finishing, 0);
        _ = finishing.ContinueWith(done => _matchingLater.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task MoveLoopAsync(CancellationToken stoppingToken)
    {
        var reader = _toMove.Reader;
        var batch = new List<CheckedFile>(MaxMoveBatch);
        while (await WaitToReadAsync(reader, stoppingToken))
        {
            batch.Clear();
            while (batch.Count < MaxMoveBatch && reader.TryRead(out var file))
            {
                batch.Add(file);
            }

            // The batch in hand is finished even while stopping: a move is never left half-done.
            await MoveBatchAsync(batch, stoppingToken, CancellationToken.None);
        }
    }

    /// <param name="stoppingToken">Ends the wait of a file whose destination refused it (<see cref="DestinationRetry"/>).</param>
    /// <param name="cancellationToken">The moves' and records' token: none, so a batch is finished even while stopping.</param>
    private async Task MoveBatchAsync(List<CheckedFile> batch, CancellationToken stoppingToken, CancellationToken cancellationToken)
    {
        var rules = _settings.Rules;
        var decided = batch.ConvertAll(file => SortPlan.Decide(file, rules, _directories));
        KeepReviewThumbnails(batch, decided);
        foreach (var outcome in await _moving.MoveAsync(decided, cancellationToken))
        {
            switch (outcome)
            {
                case MoveOutcome.Moved moved:
                    await FinishAsync(moved.File, cancellationToken);
                    break;
                case MoveOutcome.Failed { Error: IOException or UnauthorizedAccessException } refused when !DiskFull.Is(refused.Error):
                    if (_mode.ScanOnce)
                    {
                        await FailAsync(refused.Decided.File, refused.Error, $"{refused.Reason} (its destination refused the move, not the file at fault: make the folder writable, or move away what stands in its place, then scan again)", cancellationToken);
                    }
                    else
                    {
                        await WaitForDestinationAsync(refused.Decided.File, refused.Reason, stoppingToken, cancellationToken);
                    }

                    break;
                case MoveOutcome.Failed failed:
                    await FailAsync(failed.Decided.File, failed.Error, failed.Reason, cancellationToken);
                    break;
                case MoveOutcome.Vanished vanished:
                    await VanishedAsync(vanished.Decided.File, vanished.Decided.Hash, cancellationToken);
                    break;
                case MoveOutcome.Changed changed:
                    // Its claim of the old content goes when it is hashed again (new content) or leaves the drop folder.
                    _logger.ChangedBeforeMove(changed.Decided.File.Path);
                    _ledger.Requeue(changed.Decided.File.Path);
                    break;
            }
        }
    }

    /// <summary>
    /// The page's thumbnail of each file routed to review, from its one decode (docs/architecture.md,
    /// "One decode per file"), written before the move: a move keeps the size and mtime it is filed
    /// under, and one that is not used (the move failed) is swept at the next start.
    /// </summary>
    private void KeepReviewThumbnails(List<CheckedFile> batch, List<DecidedFile> decided)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            if (!decided[i].Decision.IsSorted && batch[i] is { Hash: { } hash, Picture.Thumbnail: { } thumbnail } file)
            {
                try
                {
                    _thumbnails.Keep(hash, file.File.Length, file.File.LastWriteUtc, thumbnail.Bytes);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    _logger.ReviewThumbnailNotKept(file.File.Path, exception.Message); // the page makes it on request instead
                }
            }
        }
    }

    private async Task FinishAsync(SortedFile file, CancellationToken cancellationToken)
    {
        if (LateWrites.ChangeSince(file) is { } change)
        {
            await _lateWrites.ReturnAsync(file, change, cancellationToken);
            return;
        }

        if (!_mode.ScanOnce)
        {
            _lateWrites.Watch(file);
        }

        _logger.FileSorted(file.File.Path, SortPlan.Shown(file, _directories), file.Decision.Detail);
        _summary.Sorted(SortPlan.FolderOf(file.Decision));
        _ledger.Finish(file.File.Path); // its hold, if any, ended with the move's record (IMoveJournal.CompleteMovesAsync)
        _spaceRetry.MoveSucceeded();
    }

    /// <summary>The file left the drop folder without us (the user deleted or moved it): its claim, if it made one, is given up so a later copy is not called a copy of a file that is gone.</summary>
    private async Task VanishedAsync(InboxFile file, string? hash, CancellationToken cancellationToken)
    {
        _logger.FileVanished(file.Path);
        if (hash is not null)
        {
            await _claims.ReleaseClaimAsync(hash, file.Path, cancellationToken);
        }

        _ledger.Finish(file.Path);
    }

    /// <summary>Runs one stage for one file; a failure ends that file's journey, never the loop.</summary>
    private async Task RunStageAsync(InboxFile file, string? hash, Func<Task> stage, CancellationToken stoppingToken)
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
            await VanishedAsync(file, hash, stoppingToken);
        }
        catch (FaceServiceUnavailableException exception)
        {
            await FailAsync(file, null, $"Immich unavailable: {exception.Message}", stoppingToken, waitsForImmich: true);
        }
        catch (FaceServiceRefusedFileException exception)
        {
            await FailAsync(file, null, exception.Message, stoppingToken); // a clear reason, no stack trace
        }
        catch (UnauthorizedAccessException)
        {
            // .NET's "Access to the path … is denied" at Error said neither whose permission nor what to do (helper-66's trial).
            var reason = Unreadable(file.Path);
            _logger.FileUnreadable(file.Path, reason);
            await FailAsync(file, null, reason, stoppingToken, logged: true);
        }
        catch (Exception exception)
        {
            await FailAsync(file, exception, exception.Message, stoppingToken);
        }
    }

    /// <summary>
    /// The file stays in the drop folder, held with <paramref name="reason"/>. A content claim it made is
    /// kept: it is still the first copy, and a copy that comes while it waits must stay the later one when
    /// it is checked again, by the daemon or the next <c>scan</c> (docs/contracts.md, "Near duplicates").
    /// </summary>
    /// <param name="waitsForImmich">The only reason is that Immich is unavailable: no failure of the file, a Warning, counted apart (<see cref="RunSummary.WaitingForImmich"/>).</param>
    /// <param name="logged">Its reason was logged already, at its own level.</param>
    private async Task FailAsync(InboxFile file, Exception? exception, string reason, CancellationToken cancellationToken, bool waitsForImmich = false, bool logged = false)
    {
        if (!waitsForImmich && (DiskFull.Is(exception) || StoreBusy.Is(exception)))
        {
            await WaitForSpaceAsync(file, reason, StoreBusy.Is(exception), cancellationToken);
            return;
        }

        if (waitsForImmich)
        {
            _logger.FileWaitsForImmich(file.Path, reason);
            _summary.WaitForImmich();
        }
        else
        {
            if (!logged)
            {
                // A filesystem's refusal (a folder in the way, permissions) is said by its reason; a stack trace is for the unexpected.
                _logger.FileFailed(exception is IOException or UnauthorizedAccessException ? null : exception, file.Path, reason);
            }

            _summary.Failure();
        }

        _ledger.Fail(file);
        try
        {
            await _heldFiles.HoldAsync(file.Path, reason, cancellationToken);
        }
        catch (Exception)
        {
            // The store itself is failing (that may be why we are here); the log line above is the record.
        }
    }

    /// <summary>
    /// The disk or the store is full (<see cref="DiskFull"/>), or the store busy (<see cref="StoreBusy"/>): not the file's fault, so it is not failed until it
    /// changes. It stays in the drop folder, held with the reason when the store can take it (the ledger knows it
    /// either way), said once per file without a stack trace, and tried again by itself (<see cref="SpaceRetry"/>).
    /// A one-shot <c>scan</c> counts it as failed; the next run tries it again.
    /// </summary>
    /// <param name="storeBusy">The store was busy or unreachable (<see cref="StoreBusy"/>), not full: waited for the same way.</param>
    private async Task WaitForSpaceAsync(InboxFile file, string reason, bool storeBusy, CancellationToken cancellationToken)
    {
        if (_mode.ScanOnce)
        {
            _logger.FileFailed(null, file.Path, storeBusy ? $"{reason} (the store is busy or unreachable: scan again when it is not)" : $"{reason} (the disk or the store is full: free space, then scan again)");
            _summary.Failure();
            _ledger.Fail(file);
        }
        else
        {
            _spaceRetry.Wait(file, reason, storeBusy, cancellationToken);
        }

        try
        {
            await _heldFiles.HoldAsync(file.Path, reason, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The store itself is full: the ledger keeps the file waiting and the log line above says why.
        }
    }

    /// <summary>Why FaceSorter may not read a drop-folder file, and what makes it readable: the daemon's user and the file's mode.</summary>
    private static string Unreadable(string path)
    {
        string mode;
        try
        {
            mode = OperatingSystem.IsWindows() ? "unknown" : Convert.ToString((int)File.GetUnixFileMode(path), 8).PadLeft(4, '0');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            mode = "unknown";
        }

        return $"FaceSorter (running as user '{Environment.UserName}') may not read it (mode {mode}): make it readable to that user "
            + "(chmod g+r when the file's group is one of that user's, else chown or chmod o+r; for later downloads, a shared group and umask 0002 for the program that downloads, README \"Running as a service\"); "
            + "it is tried again when it changes or at the next start";
    }

    /// <summary>
    /// The filesystem refused the file's move (a file where its folder goes, a folder that may not be written): not
    /// the file's fault. It stays in the drop folder, held with the reason, said once without a stack trace, and is
    /// tried again by itself (<see cref="DestinationRetry"/>). A one-shot <c>scan</c> fails it instead (<see cref="FailAsync"/>).
    /// </summary>
    private async Task WaitForDestinationAsync(InboxFile file, string reason, CancellationToken stoppingToken, CancellationToken cancellationToken)
    {
        _destinationRetry.Wait(file, reason, stoppingToken);
        try
        {
            await _heldFiles.HoldAsync(file.Path, reason, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The store is failing too: the ledger keeps the file waiting and the log line says why.
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
