using FaceSorter.Pipeline;
using FaceSorter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceSorter.Tests.Pipeline;

/// <summary>
/// A file whose destination refused its move waits in the drop folder and is released by the clock alone, each
/// file on its own: a new refusal after 5 s, one refused again right after its release after twice its last wait.
/// </summary>
public sealed class DestinationRetryTests
{
    private static readonly DateTime Written = new(2026, 12, 2, 1, 0, 0, DateTimeKind.Utc);
    private readonly TimerCountingClock _clock = new(new DateTimeOffset(2026, 12, 2, 2, 0, 0, TimeSpan.Zero));
    private readonly InboxLedger _ledger = new();
    private readonly InboxFile _a = new("/in/a.jpg", "", 10, Written);
    private readonly InboxFile _b = new("/in/b.jpg", "", 10, Written);
    private readonly DestinationRetry _retry;

    public DestinationRetryTests() => _retry = new DestinationRetry(_ledger, _clock, NullLogger<DestinationRetry>.Instance);

    [Fact]
    public async Task A_file_refused_again_right_after_its_retry_waits_twice_as_long()
    {
        await RefusedAsync(_a);
        await ReleasedAfterAsync(TimeSpan.FromSeconds(5), _a);

        await RefusedAsync(_a);
        await ReleasedAfterAsync(TimeSpan.FromSeconds(10), _a);

        await RefusedAsync(_a);
        await ReleasedAfterAsync(TimeSpan.FromSeconds(20), _a);
    }

    [Fact]
    public async Task A_new_refusal_starts_from_the_first_wait_whatever_another_file_or_an_earlier_blockage_waited()
    {
        // A trial: each new blockage waited where the last one had stopped (5 s, 10 s, 20 s … 2m40s).
        await RefusedAsync(_a);
        await ReleasedAfterAsync(TimeSpan.FromSeconds(5), _a);
        await RefusedAsync(_a); // refused again: 10 s
        _clock.Advance(TimeSpan.FromSeconds(1));
        await RefusedAsync(_b); // a file of its own: 5 s, not after a's 10 s

        await ReleasedAfterAsync(TimeSpan.FromSeconds(5), _b);
        _ledger.WaitingForDestinationCount.Should().Be(1, "a still waits");
        await ReleasedAfterAsync(TimeSpan.FromSeconds(4), _a);

        _clock.Advance(DestinationRetry.MaxRetry); // a was sorted: a later refusal of it is a new one
        await RefusedAsync(_a);
        await ReleasedAfterAsync(TimeSpan.FromSeconds(5), _a);
    }

    private async Task RefusedAsync(InboxFile file)
    {
        _ledger.TryStart(file).Should().BeTrue();
        _retry.Wait(file, "refused", TestContext.Current.CancellationToken);
        _ledger.TryStart(file).Should().BeFalse("unchanged, it waits for its destination");
        await _clock.TimersCreatedAsync(1);
    }

    private async Task ReleasedAfterAsync(TimeSpan delay, InboxFile file)
    {
        var released = new TaskCompletionSource();
        _ledger.WaitingForSpaceReleased += Released;
        try
        {
            _clock.Advance(delay - TimeSpan.FromMilliseconds(1));
            _ledger.IsSetAsideUnchanged(file.Path, file.Length, file.LastWriteUtc).Should().BeTrue($"not released before {delay}");
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            await released.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            _ledger.IsSetAsideUnchanged(file.Path, file.Length, file.LastWriteUtc).Should().BeFalse("released: the monitor's scan hands it in again");
        }
        finally
        {
            _ledger.WaitingForSpaceReleased -= Released;
        }

        void Released() => released.TrySetResult();
    }
}
