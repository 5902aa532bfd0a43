using Microsoft.Extensions.Logging;

namespace FaceSorter.Watching;

/// <summary>
/// The loop both monitors share (docs/architecture.md, "The watch loop"): it keeps the
/// <see cref="TreeWatcher"/>s running, gathers their <see cref="Hints"/>, says when a full scan is due
/// and sleeps until there is work. What a monitor does with a path or a scan is its round's business;
/// this class knows no channel, store or file rule. Events are hints and scans are the truth
/// (docs/linux-facts.md, "Events are hints, scans are the truth"), so a round is asked to scan:
/// <list type="bullet">
/// <item>in the first round;</item>
/// <item>when a watcher asked for it (an overflow or error, a new or moved-in directory) or anyone called
/// <see cref="PathHints.RequestRescan"/>;</item>
/// <item>when a watched root was deleted or replaced: the watchers are started again first
/// (docs/linux-facts.md, "Watcher health");</item>
/// <item>once <see cref="WatchPlan.ScanInterval"/> has passed since the last scan, or at the time a round
/// asked for with <see cref="RescanBy"/>.</item>
/// </list>
/// Between rounds it waits for the first of: a hint, the next scan, the wake time the round returned.
/// A wake time already past when the round began (the round looked at that work and found it not
/// ready) waits <c>overdueWait</c>, so such a round does not spin. A wake time that passed only while
/// the round ran, or that a timer reached a hair early, is not "not ready": the next round runs at once
/// (issue 13: a file due in 0.3 ms used to wait the whole overdue wait). Waits are rounded up to the
/// whole millisecond, as the system timer counts whole milliseconds. Every delay is on the injected
/// <see cref="TimeProvider"/>.
/// Not thread-safe apart from <see cref="Hints"/>: one loop runs it.
/// </summary>
public sealed class WatchLoop
{
    private readonly TimeProvider _clock;
    private readonly TimeSpan _overdueWait;
    private readonly ILogger _logger;
    private DateTimeOffset _nextRescan = DateTimeOffset.MaxValue;

    /// <summary>How often the watchers' health is checked while the loop waits with nothing to do.</summary>
    public static readonly TimeSpan HealthCheckInterval = TimeSpan.FromSeconds(1);

    /// <param name="clock">Every "now" and delay.</param>
    /// <param name="overdueWait">How long to wait when the wake time is already past (&gt; 0).</param>
    /// <param name="logger">The owning monitor's logger, so its events keep the monitor's category.</param>
    public WatchLoop(TimeProvider clock, TimeSpan overdueWait, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(overdueWait, TimeSpan.Zero);
        _clock = clock;
        _overdueWait = overdueWait;
        _logger = logger;
    }

    /// <summary>Where the watchers (and anyone else, from any thread) put paths to look at and rescan requests.</summary>
    public PathHints Hints { get; } = new();

    /// <summary>Brings the next full scan forward to <paramref name="at"/> at the latest. Only from a round.</summary>
    public void RescanBy(DateTimeOffset at)
    {
        if (at < _nextRescan)
        {
            _nextRescan = at;
        }
    }

    /// <summary>
    /// Runs rounds until <paramref name="cancellationToken"/> is cancelled (it then returns, whatever the
    /// round was doing) or a round returns <see cref="NextRound.Stop"/>. The watchers come from
    /// <paramref name="startWatchers"/> (never called when <paramref name="plan"/> uses no events); it must
    /// create the watched folders first, as a replaced root is started again through it. They are
    /// disposed when the loop ends. Any other exception from a round, or from the first start of the
    /// watchers, ends the loop and is thrown.
    /// </summary>
    /// <param name="scanWhileStarting">
    /// The first watchers start on another thread while the first rounds run (their scan and what it finds),
    /// and a round scans again once they are in place: a start walks every folder below the root (about
    /// 0.4 s for 1,000,000 files) and the files already there need no watcher to be found
    /// (docs/architecture.md, "The watch loop"). False: they start before the first round.
    /// </param>
    public async Task RunAsync(WatchPlan plan, Func<IReadOnlyList<TreeWatcher>> startWatchers, Func<WatchRound, CancellationToken, Task<NextRound>> round, CancellationToken cancellationToken, bool scanWhileStarting = false)
    {
        IReadOnlyList<TreeWatcher> watchers = [];
        Task<IReadOnlyList<TreeWatcher>>? starting = null;
        if (plan.UseEvents)
        {
            if (scanWhileStarting)
            {
                // A thread of its own: the walk holds it for as long as it takes, and the pool's few threads are the rounds' and the pipeline's.
                starting = Task.Factory.StartNew(startWatchers, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
            else
            {
                watchers = startWatchers();
            }
        }

        try
        {
            Hints.RequestRescan();
            _nextRescan = _clock.GetUtcNow() + plan.ScanInterval;
            var first = true;
            while (!cancellationToken.IsCancellationRequested)
            {
                var (paths, rescan) = Hints.Drain();
                if (starting is { IsCompleted: true })
                {
                    watchers = await starting;
                    starting = null;
                    rescan = true; // what came while they were being set up
                }

                var now = _clock.GetUtcNow();
                rescan |= now >= _nextRescan;
                if (watchers.Any(watcher => !watcher.IsHealthy))
                {
                    foreach (var replaced in watchers.Where(watcher => watcher.RootReplaced))
                    {
                        _logger.WatchedRootReplaced(replaced.Root);
                    }
                    DisposeAll(watchers);
                    watchers = []; // if starting again throws, nothing is disposed twice
                    watchers = startWatchers();
                    rescan = true;
                }

                if (rescan)
                {
                    _nextRescan = now + plan.ScanInterval;
                }

                var next = await round(new WatchRound(paths, rescan, now, first), cancellationToken);
                first = false;
                if (next.IsStop)
                {
                    return;
                }

                await WaitForWorkAsync(next.WakeAt is { } at && at < _nextRescan ? at : _nextRescan, now, watchers, starting, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the round in hand was abandoned at an await; each monitor states what holds then.
        }
        finally
        {
            if (starting is not null)
            {
                watchers = await StartedOrNoneAsync(starting); // ending while they start: they are disposed, never left running
            }

            DisposeAll(watchers);
        }
    }

    /// <summary>The watchers once started; none when their start failed (the loop is ending already, or ends with that failure).</summary>
    private static async Task<IReadOnlyList<TreeWatcher>> StartedOrNoneAsync(Task<IReadOnlyList<TreeWatcher>> starting)
    {
        try
        {
            return await starting;
        }
        catch (Exception)
        {
            return [];
        }
    }

    /// <param name="wakeAt">When the round asked to run again.</param>
    /// <param name="roundBegan">The round's <see cref="WatchRound.Now"/>: a wake time not after it means "looked, not ready".</param>
    /// <param name="watchers">Checked every <see cref="HealthCheckInterval"/> while waiting: one that stopped
    /// reporting sends no hint (docs/linux-facts.md, "A watcher that dies silently"), so only this wakes the loop.</param>
    /// <param name="starting">The watchers' start still under way, if any: its end wakes the loop too.</param>
    private async Task WaitForWorkAsync(DateTimeOffset wakeAt, DateTimeOffset roundBegan, IReadOnlyList<TreeWatcher> watchers, Task? starting, CancellationToken cancellationToken)
    {
        var slice = watchers.Count > 0 ? HealthCheckInterval : TimeSpan.MaxValue;
        while (await WaitSliceAsync(wakeAt, roundBegan, slice, starting, cancellationToken) is { } checkAt)
        {
            if (checkAt >= wakeAt || watchers.Any(watcher => !watcher.IsHealthy))
            {
                return; // due now, or the next round starts the watchers again and scans
            }

            roundBegan = checkAt; // the wake time is not reached: wait on for the rest of it
        }
    }

    /// <summary>Waits for a hint or <paramref name="wakeAt"/>, at most <paramref name="slice"/>; returns the time it stopped when the slice ended first, else null.</summary>
    private async Task<DateTimeOffset?> WaitSliceAsync(DateTimeOffset wakeAt, DateTimeOffset roundBegan, TimeSpan slice, Task? starting, CancellationToken cancellationToken)
    {
        TimeSpan delay;
        if (wakeAt <= roundBegan)
        {
            delay = _overdueWait;
        }
        else
        {
            delay = wakeAt - _clock.GetUtcNow();
            if (delay <= TimeSpan.Zero)
            {
                return null; // it became due while the round ran: the next round looks at it now
            }

            // The system timer truncates to whole milliseconds: never wake before the time asked for.
            delay = TimeSpan.FromMilliseconds(Math.Ceiling(delay.TotalMilliseconds));
        }

        var sliced = delay > slice;
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var hint = Hints.WaitAsync(wake.Token);
        var timer = Task.Delay(sliced ? slice : delay, _clock, wake.Token);
        var first = starting is null ? await Task.WhenAny(hint, timer) : await Task.WhenAny(hint, timer, starting);
        await wake.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return sliced && first == timer ? _clock.GetUtcNow() : null;
    }

    private static void DisposeAll(IReadOnlyList<TreeWatcher> watchers)
    {
        foreach (var watcher in watchers)
        {
            watcher.Dispose();
        }
    }
}
