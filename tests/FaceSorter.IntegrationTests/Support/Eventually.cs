namespace FaceSorter.IntegrationTests.Support;

/// <summary>Waits on a condition with a deadline: the only way tests wait (no sleeps as synchronisation).</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Lets <paramref name="period"/> pass while checking that <paramref name="invariant"/> holds all
    /// the time: for asserting that something does NOT happen (e.g. a file being written is not
    /// touched). Not a synchronisation point: what the test waits for is always a condition.
    /// </summary>
    public static async Task HoldsForAsync(Func<bool> invariant, TimeSpan period, string because, CancellationToken cancellationToken = default)
    {
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        using var timer = new PeriodicTimer(PollInterval);
        while (elapsed.Elapsed < period)
        {
            if (!invariant())
            {
                throw new InvalidOperationException($"Stopped holding after {elapsed.Elapsed}: {because}");
            }

            await timer.WaitForNextTickAsync(cancellationToken);
        }
    }

    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string because, CancellationToken cancellationToken = default) =>
        await UntilAsync(() => Task.FromResult(condition()), timeout, because, cancellationToken);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string because, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var timer = new PeriodicTimer(PollInterval);
        while (!await condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Not true within {timeout}: {because}");
            }
        }
    }
}
