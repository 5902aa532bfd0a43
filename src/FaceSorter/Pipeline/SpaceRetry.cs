using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FaceSorter.Pipeline;

/// <summary>
/// The files a full disk or store failed (<see cref="Storage.DiskFull"/>), or a busy store (<see cref="Storage.StoreBusy"/>): not their fault, so they wait in the drop
/// folder (<see cref="InboxLedger.WaitForSpace"/>) and are tried again by themselves: at once when a move succeeds
/// again, else after a backoff from <see cref="FirstRetry"/>, doubling up to <see cref="MaxRetry"/> while the disk
/// stays full (docs/operations.md, "A full disk"). Each file is said once (a Warning) until space is back. Thread-safe.
/// </summary>
public sealed class SpaceRetry(InboxLedger ledger, TimeProvider clock, ILogger<SpaceRetry> logger)
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, byte> _told = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private TimeSpan _next = FirstRetry;
    private bool _armed;

    /// <summary>
    /// <paramref name="file"/> failed for want of space (<paramref name="reason"/>): it leaves the pipeline and waits;
    /// a retry is armed unless one is. <paramref name="stoppingToken"/> ends a retry not yet due (the next start's scan
    /// finds the files).
    /// </summary>
    /// <param name="storeBusy">The store was busy or unreachable (<see cref="Storage.StoreBusy"/>) rather than full: said so.</param>
    public void Wait(InboxFile file, string reason, bool storeBusy, CancellationToken stoppingToken)
    {
        if (_told.TryAdd(file.Path, 0))
        {
            // Exception messages end in a period of their own.
            if (storeBusy)
            {
                logger.FileWaitsForStore(file.Path, reason.TrimEnd('.'), Plural.Duration(MaxRetry));
            }
            else
            {
                logger.FileWaitsForSpace(file.Path, reason.TrimEnd('.'), Plural.Duration(MaxRetry));
            }
        }
        else
        {
            logger.FileStillWaitsForSpace(file.Path, reason);
        }

        ledger.WaitForSpace(file);
        TimeSpan delay;
        lock (_lock)
        {
            if (_armed)
            {
                return;
            }

            _armed = true;
            delay = _next;
            _next = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetry.Ticks));
        }

        _ = RetryAfterAsync(delay, stoppingToken);
    }

    /// <summary>A move succeeded: the disk takes writes again, so what waited is tried now, and the backoff starts over.</summary>
    public void MoveSucceeded()
    {
        lock (_lock)
        {
            _next = FirstRetry;
        }

        if (ledger.WaitingForSpaceCount > 0 && ledger.ReleaseWaitingForSpace() is var count and > 0)
        {
            _told.Clear();
            logger.FilesWaitingForSpaceReleased(Plural.Of(count, "file"), "a move just succeeded");
        }
        else if (!_told.IsEmpty && ledger.WaitingForSpaceCount == 0)
        {
            _told.Clear();
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
        }

        if (ledger.ReleaseWaitingForSpace() is var count and > 0)
        {
            logger.FilesWaitingForSpaceReleased(Plural.Of(count, "file"), $"after {Plural.Duration(delay)}");
        }
    }
}
