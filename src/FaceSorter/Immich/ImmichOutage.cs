using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using FaceSorter.Options;
using Microsoft.Extensions.Options;

namespace FaceSorter.Immich;

/// <summary>
/// Whether the face service is down, shared by every worker so an outage is logged once (not once
/// per file) and retries back off together: 1 s, doubling, up to <c>Immich:MaxRetryDelay</c>.
/// Until the first answer (or failure) is reported the state is <see cref="ImmichState.NotChecked"/>:
/// nothing claims Immich is up before it was asked.
/// </summary>
public sealed partial class ImmichOutage(TimeProvider clock, IOptions<ImmichOptions> options, ILogger<ImmichOutage> logger)
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private readonly Lock _lock = new();
    private DateTimeOffset? _downSince;
    private bool _checked; // set by the first ReportSuccess or ReportFailure
    private DateTimeOffset _nextAttempt;
    private TimeSpan _delay = FirstRetryDelay;
    private long _answers;
    private string? _loggedReason; // the reason last logged in this outage: a new one is logged once, so the log says what to fix now
    private TaskCompletionSource _wentDown = new(TaskCreationOptions.RunContinuationsAsynchronously); // completed (and replaced) when the service goes down

    public bool IsDown
    {
        get
        {
            lock (_lock)
            {
                return _downSince is not null;
            }
        }
    }

    /// <summary>Not asked yet, answered at the last attempt, or unavailable since <see cref="DownSince"/>.</summary>
    public ImmichState State
    {
        get
        {
            lock (_lock)
            {
                return !_checked ? ImmichState.NotChecked : _downSince is null ? ImmichState.Up : ImmichState.Down;
            }
        }
    }

    public string? Reason { get; private set; }

    /// <summary>How many answers the service gave so far (every <see cref="ReportSuccess"/>): a file that fails while this grows fails on its own.</summary>
    public long Answers => Interlocked.Read(ref _answers);

    public DateTimeOffset? DownSince
    {
        get
        {
            lock (_lock)
            {
                return _downSince;
            }
        }
    }

    /// <summary>Raised when the service goes down (true) or comes back (false).</summary>
    public event Action<bool, string?>? Changed;

    /// <summary>Completes when the service is reported down: at once while it is down, else at the next outage's start.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task WhenDownAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _downSince is not null ? Task.CompletedTask : _wentDown.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Waits until the next attempt is due while the service is down.</summary>
    public async Task WaitForRetryAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_lock)
        {
            wait = _downSince is null ? TimeSpan.Zero : _nextAttempt - clock.GetUtcNow();
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, cancellationToken);
        }
    }

    public void ReportFailure(string reason)
    {
        var wentDown = false;
        var newReason = false;
        TaskCompletionSource? waiting = null;
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            _checked = true;
            if (_downSince is null)
            {
                _downSince = now;
                _delay = FirstRetryDelay;
                wentDown = true;
                waiting = _wentDown;
                _wentDown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            else if (now >= _nextAttempt)
            {
                _delay = TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, options.Value.MaxRetryDelay.Ticks));
            }

            _nextAttempt = now + _delay;
            Reason = reason;
            var cause = Cause(reason);
            newReason = !wentDown && cause != _loggedReason;
            _loggedReason = cause;
        }

        if (wentDown)
        {
            logger.ImmichDown(reason);
            waiting?.TrySetResult();
            Changed?.Invoke(true, reason);
        }
        else if (newReason)
        {
            logger.ImmichStillDown(reason); // e.g. refused at first, then up with a wrong API key
        }
    }

    /// <summary>The reason without the request that met it: "connection refused" is one cause whether an upload or a poll met it.</summary>
    private static string Cause(string reason) => RequestPart().Replace(reason, "");

    [GeneratedRegex(@" \((GET|POST|PUT|DELETE) [^)]*\)")]
    private static partial Regex RequestPart();

    public void ReportSuccess()
    {
        Interlocked.Increment(ref _answers);
        DateTimeOffset? since;
        lock (_lock)
        {
            since = _downSince;
            _checked = true;
            _downSince = null;
            _delay = FirstRetryDelay;
            Reason = null;
        }

        if (since is { } downSince)
        {
            logger.ImmichBack(Plural.Duration(clock.GetUtcNow() - downSince));
            Changed?.Invoke(false, null);
        }
    }
}
