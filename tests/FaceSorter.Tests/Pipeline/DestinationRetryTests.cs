using FaceSorter.Pipeline;
using FaceSorter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceSorter.Tests.Pipeline;

/// <summary>
/// A file whose destination refused its move waits in the drop folder and is released by the clock alone:
/// after 5 s, then twice as long each time it fails again, and from 5 s again after a calm.
/// </summary>
public sealed class DestinationRetryTests
{
    private static readonly DateTime Written = new(2026, 12, 2, 1, 0, 0, DateTimeKind.Utc);
    private readonly TimerCountingClock _clock = new(new DateTimeOffset(2026, 12, 2, 2, 0, 0, TimeSpan.Zero));
    private readonly InboxLedger _ledger = new();
    private int _timers;

    [Fact]
    public async Task A_refused_file_is_tried_again_after_a_backoff_that_grows_while_it_keeps_failing_and_starts_over_after_a_calm()
    {
        var retry = new DestinationRetry(_ledger, _clock, NullLogger<DestinationRetry>.Instance);
        var file = new InboxFile("/in/a.jpg", "", 10, Written);

        await RefusedAsync(retry, file);
        await ReleasedAfterAsync(file, TimeSpan.FromSeconds(5));

        await RefusedAsync(retry, file); // it failed again at once
        await ReleasedAfterAsync(file, TimeSpan.FromSeconds(10));

        _clock.Advance(DestinationRetry.MaxRetry * 3);
        await RefusedAsync(retry, file); // a new refusal, long after
        await ReleasedAfterAsync(file, TimeSpan.FromSeconds(5));
    }

    private async Task RefusedAsync(DestinationRetry retry, InboxFile file)
    {
        _ledger.TryStart(file).Should().BeTrue();
        retry.Wait(file, "refused", TestContext.Current.CancellationToken);
        _ledger.TryStart(file).Should().BeFalse("unchanged, it waits for its destination");
        _ledger.HeldCount.Should().Be(0, "HeldCount looks at files on disk, and this one is not");
        await _clock.TimersCreatedAsync(++_timers);
    }

    private async Task ReleasedAfterAsync(InboxFile file, TimeSpan delay)
    {
        var released = new TaskCompletionSource();
        _ledger.WaitingForSpaceReleased += Released;
        try
        {
            _clock.Advance(delay - TimeSpan.FromMilliseconds(1));
            _ledger.WaitingForDestinationCount.Should().Be(1, $"not released before {delay}");
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            await released.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            _ledger.WaitingForDestinationCount.Should().Be(0);
            _ledger.IsSetAsideUnchanged(file.Path, file.Length, file.LastWriteUtc).Should().BeFalse("released: the monitor's scan hands it in again");
        }
        finally
        {
            _ledger.WaitingForSpaceReleased -= Released;
        }

        void Released() => released.TrySetResult();
    }
}
