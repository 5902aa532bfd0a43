using Microsoft.Extensions.Time.Testing;

namespace FaceSorter.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that says when code under test has created its n-th timer (every
/// <c>Task.Delay</c> on it creates one). A test that advances time must know the code is already
/// waiting: time advanced before the timer exists does not reach it.
/// </summary>
internal sealed class TimerCountingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _gate = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _created;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_gate)
        {
            _created++;
            foreach (var waiter in _waiters.Where(waiter => waiter.Count <= _created).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Reached.TrySetResult();
            }
        }

        return timer;
    }

    /// <summary>Completes once <paramref name="count"/> timers have been created in all; fails after 10 s of real time.</summary>
    public Task TimersCreatedAsync(int count)
    {
        lock (_gate)
        {
            if (_created >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }
    }
}
