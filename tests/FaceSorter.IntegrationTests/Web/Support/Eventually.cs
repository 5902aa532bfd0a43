namespace FaceSorter.IntegrationTests.Web.Support;

/// <summary>Waits on a condition with a deadline (never a fixed sleep).</summary>
public static class Eventually
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan within, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetUtcNow() + within;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (TimeProvider.System.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan within, CancellationToken cancellationToken) =>
        TrueAsync(() => Task.FromResult(condition()), within, cancellationToken);
}
