using Microsoft.Extensions.Logging;

namespace FaceSorter.Pipeline;

/// <summary>
/// The files whose move the filesystem refused (a file where <c>review/duplicates/</c> or <c>faces/&lt;person&gt;/</c> goes,
/// a folder made read-only or immutable): not their fault, so they wait in the drop folder
/// (<see cref="InboxLedger.WaitForDestination"/>) and are tried again by themselves, each on its own clock: a new
/// refusal after <see cref="FirstRetry"/>, one that fails again at once after twice its last wait, up to
/// <see cref="MaxRetry"/>; before, they stayed until the user touched them. Unlike <see cref="SpaceRetry"/>, another
/// file's successful move says nothing about their folder, so only the clock releases them. A new refusal is said
/// once (a Warning); a retry that fails again at Debug. Thread-safe.
/// </summary>
public sealed class DestinationRetry(InboxLedger ledger, TimeProvider clock, ILogger<DestinationRetry> logger)
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(5);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (DateTimeOffset Due, TimeSpan Wait)> _waiting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset At, TimeSpan Wait)> _released = new(StringComparer.Ordinal); // to tell a retry that failed again from a new refusal
    private ITimer? _timer;
    private DateTimeOffset _armedFor = DateTimeOffset.MaxValue;
    private bool _stopped;

    /// <summary>
    /// <paramref name="file"/>'s move was refused (<paramref name="reason"/>): it leaves the pipeline and waits for its
    /// retry. <paramref name="stoppingToken"/> ends every retry not yet due (the next start's scan finds the files).
    /// </summary>
    public void Wait(InboxFile file, string reason, CancellationToken stoppingToken)
    {
        TimeSpan wait;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            var now = clock.GetUtcNow();
            // Released moments ago and refused again: the way is not clear yet, so it waits longer. Anything else,
            // a file sorted since included, is a new refusal and starts from the first wait.
            wait = _released.Remove(file.Path, out var last) && now - last.At < MaxRetry
                ? TimeSpan.FromTicks(Math.Min(last.Wait.Ticks * 2, MaxRetry.Ticks))
                : FirstRetry;
            _waiting[file.Path] = (now + wait, wait);
            if (_timer is null)
            {
                _timer = clock.CreateTimer(_ => ReleaseDue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                stoppingToken.Register(Stop);
            }

            if (now + wait < _armedFor)
            {
                _armedFor = now + wait;
                _timer.Change(wait, Timeout.InfiniteTimeSpan);
            }
        }

        ledger.WaitForDestination(file);
        if (wait == FirstRetry)
        {
            logger.FileWaitsForDestination(file.Path, reason.TrimEnd('.'), Plural.Duration(MaxRetry));
        }
        else
        {
            logger.FileStillWaitsForDestination(file.Path, reason);
        }
    }

    private void ReleaseDue()
    {
        List<string> due;
        TimeSpan longest;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            var now = clock.GetUtcNow();
            due = [.. _waiting.Where(entry => entry.Value.Due <= now).Select(entry => entry.Key)];
            longest = due.Count == 0 ? TimeSpan.Zero : due.Max(path => _waiting[path].Wait);
            foreach (var path in due)
            {
                _released[path] = (now, _waiting[path].Wait);
                _waiting.Remove(path);
            }

            foreach (var path in _released.Where(entry => now - entry.Value.At >= MaxRetry).Select(entry => entry.Key).ToList())
            {
                _released.Remove(path); // sorted since, or gone: forgotten
            }

            _armedFor = _waiting.Count == 0 ? DateTimeOffset.MaxValue : _waiting.Values.Min(entry => entry.Due);
            if (_waiting.Count > 0)
            {
                _timer!.Change(_armedFor - now, Timeout.InfiniteTimeSpan);
            }
        }

        if (due.Count > 0 && ledger.ReleaseWaitingForDestination(due) is var count and > 0)
        {
            logger.FilesWaitingForDestinationReleased(Plural.Of(count, "file"), Plural.Duration(longest));
        }
    }

    private void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
            _timer?.Dispose();
        }
    }
}
