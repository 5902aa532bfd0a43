using System.Threading.Channels;
using FaceSorter.Tests.Support;
using FaceSorter.Watching;
using Microsoft.Extensions.Logging.Testing;

namespace FaceSorter.Tests.Watching;

/// <summary>
/// The loop both monitors share, driven by fake time. A round records what it was given and answers
/// with <see cref="_answer"/>; the test waits for the loop to be idle (its wait's timer exists) before
/// it advances time, so nothing here depends on real time except the deadlines of the waits.
/// </summary>
public sealed class WatchLoopTests : IDisposable
{
    private static readonly TimeSpan ScanInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan OverdueWait = TimeSpan.FromMilliseconds(250);
    private static readonly WatchPlan Polling = new(UseEvents: false, ScanInterval);

    private readonly TimerCountingClock _clock = new(new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger _logger = new();
    private readonly Channel<WatchRound> _rounds = Channel.CreateUnbounded<WatchRound>();
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly WatchLoop _loop;
    private Func<WatchRound, CancellationToken, Task<NextRound>> _answer = (_, _) => Task.FromResult(NextRound.By(null));
    private int _roundsRead;
    private Task _run = Task.CompletedTask;

    public WatchLoopTests() => _loop = new WatchLoop(_clock, OverdueWait, _logger);

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    [Fact]
    public async Task The_first_round_scans_and_then_one_scan_comes_every_scan_interval()
    {
        GivenRunning(Polling);

        var first = await NextRoundWhenIdleAsync();
        first.IsFirst.Should().BeTrue();
        first.Rescan.Should().BeTrue("the scan is the truth from the start");

        _clock.Advance(ScanInterval - TimeSpan.FromMilliseconds(1));
        NoRoundYet();
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = await NextRoundWhenIdleAsync();
        second.Should().Match<WatchRound>(round => round.Rescan && !round.IsFirst && round.Now == _clock.GetUtcNow());

        _loop.Hints.Add("/in/a.jpg");
        (await NextRoundWhenIdleAsync()).Should().Match<WatchRound>(round => !round.Rescan && round.Paths.SequenceEqual(new[] { "/in/a.jpg" }), "a hint is looked at without a scan");

        _clock.Advance(ScanInterval);
        (await NextRoundWhenIdleAsync()).Rescan.Should().BeTrue("a scan interval after the last scan");
        _run.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task A_requested_scan_restarts_the_cadence()
    {
        GivenRunning(Polling);
        await NextRoundWhenIdleAsync();

        _clock.Advance(TimeSpan.FromSeconds(30));
        _loop.Hints.RequestRescan();
        (await NextRoundWhenIdleAsync()).Rescan.Should().BeTrue();

        _clock.Advance(ScanInterval - TimeSpan.FromMilliseconds(1));
        NoRoundYet();
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        (await NextRoundWhenIdleAsync()).Rescan.Should().BeTrue();
    }

    [Fact]
    public async Task An_overflow_storm_of_rescan_requests_makes_one_scan_and_each_path_is_given_once()
    {
        _answer = (round, _) =>
        {
            if (round.IsFirst)
            {
                // What a watcher overflowing during the round does, many times over (TreeWatcher.OnError).
                for (var i = 0; i < 1000; i++)
                {
                    _loop.Hints.RequestRescan();
                    _loop.Hints.Add("/in/a.jpg");
                }
            }

            return Task.FromResult(NextRound.By(null));
        };
        GivenRunning(Polling);
        await NextRoundWhenIdleAsync();

        (await NextRoundWhenIdleAsync()).Should().Match<WatchRound>(round => round.Rescan && round.Paths.SequenceEqual(new[] { "/in/a.jpg" }));
        NoRoundYet();
    }

    [Fact]
    public async Task A_round_can_bring_the_next_scan_forward()
    {
        _answer = (round, _) =>
        {
            if (round.IsFirst)
            {
                _loop.RescanBy(round.Now + TimeSpan.FromMilliseconds(100));
            }

            return Task.FromResult(NextRound.By(null));
        };
        GivenRunning(Polling);
        await NextRoundWhenIdleAsync();

        _clock.Advance(TimeSpan.FromMilliseconds(100));
        (await NextRoundWhenIdleAsync()).Rescan.Should().BeTrue();
        _clock.Advance(ScanInterval - TimeSpan.FromMilliseconds(1));
        NoRoundYet();
    }

    [Fact]
    public async Task A_round_is_woken_at_the_time_it_asked_for_and_a_time_already_past_waits_the_overdue_wait()
    {
        var wakeIn = TimeSpan.FromSeconds(5);
        _answer = (round, _) => Task.FromResult(NextRound.By(round.IsFirst ? round.Now + wakeIn : round.Now - TimeSpan.FromSeconds(1)));
        GivenRunning(Polling);
        await NextRoundWhenIdleAsync();

        _clock.Advance(wakeIn - TimeSpan.FromMilliseconds(1));
        NoRoundYet();
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        (await NextRoundWhenIdleAsync()).Rescan.Should().BeFalse("the round asked to be woken; no scan was due");

        _clock.Advance(OverdueWait - TimeSpan.FromMilliseconds(1));
        NoRoundYet();
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        (await NextRoundWhenIdleAsync()).Rescan.Should().BeFalse();
    }

    [Fact]
    public async Task A_wake_time_that_passes_while_the_round_runs_brings_the_next_round_at_once_not_after_the_overdue_wait()
    {
        // A round slower than the time it asked for (or a timer that fired a hair before a file's due
        // time, so the round found it not due yet): the work is due now, not "looked at and not ready".
        _answer = (round, _) =>
        {
            if (round.IsFirst)
            {
                _clock.Advance(TimeSpan.FromMilliseconds(10));
                return Task.FromResult(NextRound.By(round.Now + TimeSpan.FromMilliseconds(5)));
            }

            return Task.FromResult(NextRound.By(null));
        };
        var start = _clock.GetUtcNow();
        GivenRunning(Polling);
        await NextRoundAsync();

        var second = await NextRoundAsync(); // no time advanced: it ran at once
        second.Now.Should().Be(start + TimeSpan.FromMilliseconds(10));
    }

    [Fact]
    public async Task A_wake_time_between_milliseconds_is_waited_for_in_full()
    {
        var wakeIn = TimeSpan.FromTicks(15_000); // 1.5 ms: the system timer would truncate it to 1 ms
        _answer = (round, _) => Task.FromResult(NextRound.By(round.IsFirst ? round.Now + wakeIn : null));
        GivenRunning(Polling);
        await NextRoundWhenIdleAsync();

        _clock.Advance(wakeIn);
        NoRoundYet();
        _clock.Advance(TimeSpan.FromTicks(5_000));
        (await NextRoundWhenIdleAsync()).Now.Should().Be(_clock.GetUtcNow(), "woken at the whole millisecond after the time asked for");
    }

    [Fact]
    public async Task A_watched_root_that_was_replaced_gets_new_watchers_and_a_scan()
    {
        var root = Directory.CreateTempSubdirectory("facesorter-watchloop-").FullName;
        var starts = 0;
        var afterRestart = new TaskCompletionSource<WatchRound>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _answer = (round, _) =>
            {
                if (Volatile.Read(ref starts) >= 2)
                {
                    afterRestart.TrySetResult(round); // the watchers start again just before the round
                }

                return Task.FromResult(NextRound.By(null));
            };
            GivenRunning(new WatchPlan(UseEvents: true, ScanInterval), () =>
            {
                Interlocked.Increment(ref starts);
                Directory.CreateDirectory(root);
                return [new TreeWatcher(root, NotifyFilters.FileName | NotifyFilters.DirectoryName, _loop.Hints, _logger)];
            });
            (await NextRoundAsync()).Rescan.Should().BeTrue();
            starts.Should().Be(1);

            Directory.Move(root, root + ".old"); // the user renamed it and made a new one in its place
            Directory.CreateDirectory(root);
            _loop.Hints.Add(Path.Combine(root, "nudge.jpg"));

            var round = await afterRestart.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            round.Rescan.Should().BeTrue("nothing seen while the old watcher was blind can be trusted");
            starts.Should().Be(2);
            _logger.Collector.GetSnapshot().Where(record => record.Id.Id == 1005).Should().ContainSingle()
                .Which.Message.Should().Contain(root);
            _run.IsCompleted.Should().BeFalse();
        }
        finally
        {
            await _stop.CancelAsync();
            Directory.Delete(root, recursive: true);
            Directory.Delete(root + ".old", recursive: true);
        }
    }

    [Fact]
    public async Task Scanning_while_the_watchers_start_runs_the_first_round_before_they_are_in_place_and_scans_again_once_they_are()
    {
        var root = Directory.CreateTempSubdirectory("facesorter-watchloop-").FullName;
        var mayStart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            GivenRunning(new WatchPlan(UseEvents: true, ScanInterval), () =>
            {
                mayStart.Task.Wait(TestContext.Current.CancellationToken); // a walk of a large folder, held here
                return [new TreeWatcher(root, NotifyFilters.FileName, _loop.Hints, _logger)];
            }, scanWhileStarting: true);

            var first = await NextRoundWhenIdleAsync();
            first.Should().Match<WatchRound>(round => round.IsFirst && round.Rescan, "the files already there are scanned without waiting for the watchers");

            mayStart.SetResult();
            (await NextRoundAsync()).Rescan.Should().BeTrue("what came while the watchers were set up is found by a scan once they are in place");
            NoRoundYet();

            await File.WriteAllTextAsync(Path.Combine(root, "new.jpg"), "x", TestContext.Current.CancellationToken);
            (await NextRoundAsync()).Paths.Should().Contain(Path.Combine(root, "new.jpg"), "the watcher reports from then on");
        }
        finally
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Ending_while_the_watchers_start_disposes_them_once_started()
    {
        var root = Directory.CreateTempSubdirectory("facesorter-watchloop-").FullName;
        var mayStart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TreeWatcher? started = null;
        try
        {
            GivenRunning(new WatchPlan(UseEvents: true, ScanInterval), () =>
            {
                mayStart.Task.Wait(CancellationToken.None);
                started = new TreeWatcher(root, NotifyFilters.FileName, _loop.Hints, _logger);
                return [started];
            }, scanWhileStarting: true);
            await NextRoundWhenIdleAsync();

            await _stop.CancelAsync();
            _run.IsCompleted.Should().BeFalse("the loop waits for the start it began");
            mayStart.SetResult();

            await _run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            _run.IsCompletedSuccessfully.Should().BeTrue();
            started!.IsHealthy.Should().BeFalse("it was disposed");
        }
        finally
        {
            mayStart.TrySetResult();
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Polling_starts_no_watcher()
    {
        GivenRunning(Polling, () => throw new InvalidOperationException("no watcher when polling"));

        (await NextRoundWhenIdleAsync()).Rescan.Should().BeTrue();
    }

    [Fact]
    public async Task Cancelling_while_waiting_ends_the_loop_quietly()
    {
        GivenRunning(Polling);
        await NextRoundWhenIdleAsync();

        await _stop.CancelAsync();

        await _run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        _run.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public async Task Cancelling_during_a_round_ends_the_loop_quietly()
    {
        _answer = async (_, token) =>
        {
            await new TaskCompletionSource().Task.WaitAsync(token); // a round busy until stopped
            return NextRound.By(null);
        };
        GivenRunning(Polling);
        await NextRoundAsync();

        await _stop.CancelAsync();

        await _run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        _run.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public async Task A_round_that_says_stop_ends_the_loop()
    {
        _answer = (_, _) => Task.FromResult(NextRound.Stop);
        GivenRunning(Polling);

        await _run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        _run.IsCompletedSuccessfully.Should().BeTrue();
        _rounds.Reader.Count.Should().Be(1);
    }

    [Fact]
    public async Task A_round_that_fails_ends_the_loop_with_its_exception()
    {
        _answer = (_, _) => throw new InvalidOperationException("broken round");
        GivenRunning(Polling);

        var ended = async () => await _run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await ended.Should().ThrowAsync<InvalidOperationException>().WithMessage("broken round");
    }

    /// <summary>Starts the loop on the thread pool; <see cref="_run"/> is its task.</summary>
    private void GivenRunning(WatchPlan plan, Func<IReadOnlyList<TreeWatcher>>? startWatchers = null, bool scanWhileStarting = false) =>
        _run = Task.Run(() => _loop.RunAsync(plan, startWatchers ?? (() => []), async (round, token) =>
        {
            _rounds.Writer.TryWrite(round);
            return await _answer(round, token);
        }, _stop.Token, scanWhileStarting), TestContext.Current.CancellationToken);

    /// <summary>The next round, once the loop waits again after it.</summary>
    private async Task<WatchRound> NextRoundWhenIdleAsync()
    {
        var round = await NextRoundAsync();
        await _clock.TimersCreatedAsync(_roundsRead);
        return round;
    }

    private async Task<WatchRound> NextRoundAsync()
    {
        var round = await _rounds.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask()
            .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        _roundsRead++;
        return round;
    }

    /// <summary>Only meaningful while the loop is idle: a round it ran would be in the channel already.</summary>
    private void NoRoundYet() => _rounds.Reader.TryRead(out _).Should().BeFalse("no round was due");
}
