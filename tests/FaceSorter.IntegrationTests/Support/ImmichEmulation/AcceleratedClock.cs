using System.Diagnostics;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// Real time, sped up: timers fire <c>factor</c> times sooner and the clock runs <c>factor</c> times
/// faster, so a service's 250 ms…5 s backoff and its minutes-long wait budget play out in
/// milliseconds against a real HTTP server (whose own timeouts stay real). Not a fake clock: nothing
/// has to be advanced by hand while requests are in flight.
/// </summary>
public sealed class AcceleratedClock(double factor) : TimeProvider
{
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private readonly DateTimeOffset _startUtc = System.GetUtcNow();

    public override long TimestampFrequency => Stopwatch.Frequency;

    public override long GetTimestamp() => _startTimestamp + (long)((Stopwatch.GetTimestamp() - _startTimestamp) * factor);

    public override DateTimeOffset GetUtcNow() => _startUtc + TimeSpan.FromTicks((long)((System.GetUtcNow() - _startUtc).Ticks * factor));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(System.CreateTimer(callback, state, Scale(dueTime), Scale(period)), this);

    private TimeSpan Scale(TimeSpan span) =>
        span == Timeout.InfiniteTimeSpan || span <= TimeSpan.Zero ? span : TimeSpan.FromTicks(Math.Max(1, (long)(span.Ticks / factor)));

    private sealed class ScaledTimer(ITimer inner, AcceleratedClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.Scale(dueTime), clock.Scale(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
