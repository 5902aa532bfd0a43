namespace FaceSorter.NearDuplicates;

/// <summary>
/// Asks <see cref="FingerprintBackfill"/> to fingerprint now rather than at the next rescan: a picture
/// added to <c>faces/&lt;person&gt;/</c> by hand is recorded without a fingerprint, and a near copy of it
/// dropped meanwhile must be caught (docs/contracts.md, "Near duplicates"). The decode runs on the
/// backfill's own task, never on the watcher's. Requests made while one is pending are one. Thread-safe.
/// </summary>
public sealed class FingerprintRequests : IDisposable
{
    private readonly SemaphoreSlim _asked = new(0, 1);

    /// <summary>Asks for a fill; returns at once.</summary>
    public void Ask()
    {
        try
        {
            _asked.Release();
        }
        catch (SemaphoreFullException)
        {
            // One is pending already: it will see this picture too.
        }
    }

    /// <summary>Completes when a fill is asked for or <paramref name="interval"/> has passed on <paramref name="clock"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task WaitAsync(TimeSpan interval, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(_asked.WaitAsync(either.Token), Task.Delay(interval, clock, either.Token));
        await either.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    public void Dispose() => _asked.Dispose();
}
