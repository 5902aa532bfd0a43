using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FaceSorter.Pipeline;

/// <summary>
/// The files whose move the filesystem refused (a file where <c>review/duplicates/</c> or <c>faces/&lt;person&gt;/</c> goes,
/// a folder made read-only or immutable): not their fault, so they wait in the drop folder
/// (<see cref="InboxLedger.WaitForDestination"/>) and are tried again by themselves after a backoff from
/// <see cref="FirstRetry"/>, doubling up to <see cref="MaxRetry"/> while they keep failing; before, they stayed until
/// the user touched them. Unlike <see cref="SpaceRetry"/>, another file's successful move says nothing about their
/// folder, so only the clock releases them. Each file is said once (a Warning) while it waits. Thread-safe.
/// </summary>
public sealed class DestinationRetry(InboxLedger ledger, TimeProvider clock, ILogger<DestinationRetry> logger)
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, byte> _told = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private TimeSpan _next = FirstRetry;
    private DateTimeOffset _lastRelease = DateTimeOffset.MinValue;
    private bool _armed;

    /// <summary>
    /// <paramref name="file"/>'s move was refused (<paramref name="reason"/>): it leaves the pipeline and waits; a retry
    /// is armed unless one is. <paramref name="stoppingToken"/> ends a retry not yet due (the next start's scan finds the files).
    /// </summary>
    public void Wait(InboxFile file, string reason, CancellationToken stoppingToken)
    {
        TimeSpan? delay = null;
        lock (_lock)
        {
            // A refusal long after the last retry is a new one: it starts at the first delay again, and is said again.
            // A retried file that fails again comes back within seconds of its release, and waits longer each time.
            if (!_armed && clock.GetUtcNow() - _lastRelease > MaxRetry + MaxRetry)
            {
                _next = FirstRetry;
                _told.Clear();
            }

            if (!_armed)
            {
                _armed = true;
                delay = _next;
                _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, MaxRetry.Ticks));
            }
        }

        if (_told.TryAdd(file.Path, 0))
        {
            logger.FileWaitsForDestination(file.Path, reason.TrimEnd('.'), Plural.Duration(MaxRetry));
        }
        else
        {
            logger.FileStillWaitsForDestination(file.Path, reason);
        }

        ledger.WaitForDestination(file);
        if (delay is { } due)
        {
            _ = RetryAfterAsync(due, stoppingToken);
        }
    }

    private async Task RetryAfterAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, clock, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_lock)
        {
            _armed = false;
            _lastRelease = clock.GetUtcNow();
        }

        if (ledger.ReleaseWaitingForDestination() is var count and > 0)
        {
            logger.FilesWaitingForDestinationReleased(Plural.Of(count, "file"), Plural.Duration(delay));
        }
    }
}
