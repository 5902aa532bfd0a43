using FaceSorter.Options;
using FaceSorter.Storage;
using FaceSorter.Watching;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Review;

/// <summary>
/// The second watcher (docs/contracts.md, "Flow"): reads the user's moves and deletes in review/ and faces/
/// as review decisions. One <see cref="TreeWatcher"/> on each of the two folders, never one on their parent
/// (which would also walk the drop folder beside them), so a move between them arrives as a delete and a
/// create and is matched by content and identity (docs/linux-facts.md, "A watcher on review and one on faces").
/// Handlers only record hints; this loop hands them to the <see cref="ReviewReconciler"/>, files that exist
/// first (so an arrival is matched before its source counts as missing), then paths that are gone. A full
/// scan is the truth: at start (after the records were loaded: changes made while the daemon was stopped),
/// after a watcher error or a new directory (the mkdir race loses the file's event:
/// docs/linux-facts.md, "What the watcher reports"), shortly after a review file went missing, and every
/// <c>RescanInterval</c>. A missing file becomes a rejection only after <c>RejectGrace</c> and a scan that
/// began after it went missing (docs/linux-facts.md, "A delete is not a rejection").
/// </summary>
public sealed class ReviewMonitor : BackgroundService
{
    private static readonly TimeSpan MissingRescanDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan OverdueWait = TimeSpan.FromMilliseconds(10);

    /// <summary>After a round in which a decision could not be recorded, the scan that tries again comes this soon, then twice as late each time up to <see cref="LastRetry"/>.</summary>
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);
    private TimeSpan? _retry; // while decisions fail: the wait before the scan that tries them again
    private bool _failed; // a decision failed in this round
    private readonly HashSet<string> _undecodable = new(StringComparer.Ordinal); // names not valid UTF-8, logged once each
    private readonly Dictionary<string, DateTimeOffset> _lookAgain = new(StringComparer.Ordinal);
    private readonly ReviewReconciler _reconciler;
    private readonly ReviewTree _tree;
    private readonly TimeProvider _clock;
    private readonly SortingOptions _sorting;
    private readonly WatchLoop _loop;
    private readonly ILogger<ReviewMonitor> _logger;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReviewMonitor(ReviewReconciler reconciler, ReviewTree tree, TimeProvider clock, IOptions<SortingOptions> sorting, ILogger<ReviewMonitor> logger)
    {
        _reconciler = reconciler;
        _tree = tree;
        _clock = clock;
        _sorting = sorting.Value;
        _loop = new WatchLoop(clock, OverdueWait, logger);
        _logger = logger;
    }

    /// <summary>Completes once the watchers run and the start-up scan is done (tests wait on it).</summary>
    public Task Started => _loaded.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            Directory.CreateDirectory(_tree.Faces);
            Directory.CreateDirectory(_tree.Review);
            // The same rule as the drop folder: on a network share, or when forced, scans every PollInterval (issue 9 part 5).
            var plan = WatchPlan.For(_sorting, _logger, _tree.Review, _tree.Faces);
            await _loop.RunAsync(plan, StartWatchers, RoundAsync, stoppingToken);
        }
        finally
        {
            // Stopping: every decision already taken is committed (each is one store transaction);
            // anything undecided is decided again from disk and records at the next start.
            _loaded.TrySetResult();
        }
    }

    private async Task<NextRound> RoundAsync(WatchRound round, CancellationToken stoppingToken)
    {
        if (round.IsFirst)
        {
            // The watchers run already: read the records now, so nothing done in between is missed.
            await _reconciler.LoadAsync(stoppingToken);
        }

        await LookAtAsync(round.Paths, stoppingToken);
        if (round.Rescan)
        {
            await ScanAsync(stoppingToken);
        }

        await LookAgainAsync(stoppingToken);
        DateTimeOffset? missingDue = null;
        await DecideAsync("files gone from review/", async () => missingDue = await _reconciler.SettleMissingAsync(mayReject: _lookAgain.Count == 0, stoppingToken));
        RetrySoonAfterFailure(round.Rescan);
        if (missingDue is not null && _reconciler.AnyMissingAwaitsScan)
        {
            _loop.RescanBy(_clock.GetUtcNow() + MissingRescanDelay);
        }

        if (_lookAgain.Count > 0 && missingDue <= _clock.GetUtcNow())
        {
            missingDue = null; // rejections wait for the files still being looked at
        }

        _loaded.TrySetResult();
        return NextRound.By(Earliest(missingDue, _lookAgain.Values));
    }

    private List<TreeWatcher> StartWatchers()
    {
        const NotifyFilters filters = NotifyFilters.FileName | NotifyFilters.DirectoryName;
        Directory.CreateDirectory(_tree.Faces); // again when a watched root was deleted or replaced
        Directory.CreateDirectory(_tree.Review);
        _logger.WatchingReviewSeparately(_tree.Review, _tree.Faces);
        return [new TreeWatcher(_tree.Review, filters, _loop.Hints, _logger), new TreeWatcher(_tree.Faces, filters, _loop.Hints, _logger)];
    }

    private async Task LookAtAsync(IReadOnlyList<string> paths, CancellationToken stoppingToken)
    {
        var gone = new List<string>();
        foreach (var path in paths)
        {
            if (!_tree.Contains(path))
            {
                continue;
            }

            if (Directory.Exists(path))
            {
                // A directory moved in or renamed: its files are never reported one by one (docs/linux-facts.md, "What the watcher reports").
                foreach (var file in Directory.EnumerateFiles(path, "*", Recursive))
                {
                    await ArriveAsync(file, stoppingToken);
                }

                foreach (var indexed in _reconciler.Index.PathsUnder(path).Where(indexed => !File.Exists(indexed)))
                {
                    gone.Add(indexed);
                }
            }
            else if (File.Exists(path))
            {
                await ArriveAsync(path, stoppingToken);
            }
            else
            {
                gone.Add(path);
            }
        }

        foreach (var path in gone)
        {
            await DecideAsync(path, () => _reconciler.DepartAsync(path, stoppingToken));
        }
    }

    private async Task ScanAsync(CancellationToken stoppingToken)
    {
        _reconciler.BeginScan();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in new[] { _tree.Faces, _tree.Review })
        {
            foreach (var file in Directory.EnumerateFiles(root, "*", Recursive))
            {
                seen.Add(file);
                if (UndecodableName.Is(file))
                {
                    if (_undecodable.Add(file))
                    {
                        _logger.ReviewNameUndecodable(file);
                    }

                    continue;
                }

                await ArriveAsync(file, stoppingToken);
            }
        }

        foreach (var path in _reconciler.Index.Paths.Where(path => !seen.Contains(path)).ToList())
        {
            await DecideAsync(path, () => _reconciler.DepartAsync(path, stoppingToken));
        }

        _undecodable.IntersectWith(seen);
        _logger.ReviewScanned(seen.Count);
    }

    private async Task LookAgainAsync(CancellationToken stoppingToken)
    {
        var now = _clock.GetUtcNow();
        foreach (var (path, _) in _lookAgain.Where(pair => pair.Value <= now).ToList())
        {
            _lookAgain.Remove(path);
            if (File.Exists(path))
            {
                await ArriveAsync(path, stoppingToken);
            }
            else
            {
                await DecideAsync(path, () => _reconciler.DepartAsync(path, stoppingToken));
            }
        }
    }

    private async Task ArriveAsync(string path, CancellationToken stoppingToken)
    {
        DateTimeOffset? again = null;
        await DecideAsync(path, async () => again = await _reconciler.ArriveAsync(path, stoppingToken));
        if (again is { } at)
        {
            _lookAgain[path] = at;
        }
        else
        {
            _lookAgain.Remove(path);
        }
    }

    /// <summary>
    /// One file's failure (unreadable, vanished mid-hash) is retried at the next scan, never ends the loop (STYLE 11).
    /// A store that cannot record (a full disk, a database locked or unreachable) is no fault of the file: one
    /// line without a stack trace for a full disk, and the scan that tries again comes soon (<see cref="RetrySoonAfterFailure"/>).
    /// </summary>
    private async Task DecideAsync(string path, Func<Task> decide)
    {
        try
        {
            await decide();
        }
        catch (Exception exception) when (!DiskFull.Is(exception) && exception is IOException or UnauthorizedAccessException)
        {
            _logger.ReviewFileUnreadable(exception, path);
        }
        catch (Exception exception) when (_retry is not null && exception is not OperationCanceledException)
        {
            // Said once when the store first failed; until a scan records everything, each retry is Debug.
            _failed = true;
            _logger.ReviewDecisionStillNotRecorded(path, exception.Message.TrimEnd('.'), Plural.Duration(NextRetry));
        }
        catch (Exception exception) when (DiskFull.Is(exception))
        {
            _failed = true;
            _logger.ReviewDecisionWaitsForSpace(path, exception.Message.TrimEnd('.'), Plural.Duration(NextRetry));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _failed = true;
            _logger.ReviewDecisionFailed(exception, path, Plural.Duration(NextRetry));
        }
    }

    private TimeSpan NextRetry => _retry is { } retry ? TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks)) : FirstRetry;

    /// <summary>
    /// After a round with a failed decision the next full scan comes after <see cref="NextRetry"/> instead of
    /// <c>RescanInterval</c>; a full scan without one ends the retries.
    /// </summary>
    private void RetrySoonAfterFailure(bool scanned)
    {
        if (_failed)
        {
            // The wait grows only when a retry scan failed again, not on the quick rounds in between.
            _retry = _retry is null || scanned ? NextRetry : _retry;
            _loop.RescanBy(_clock.GetUtcNow() + _retry.Value);
            _failed = false;
        }
        else if (scanned)
        {
            _retry = null;
        }
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? first, IEnumerable<DateTimeOffset> others)
    {
        var earliest = first;
        foreach (var other in others)
        {
            if (earliest is null || other < earliest)
            {
                earliest = other;
            }
        }

        return earliest;
    }

    private static readonly EnumerationOptions Recursive = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };
}
