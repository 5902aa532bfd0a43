using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceSorter.FollowUps;

/// <summary>
/// Work that follows the user's review decisions a round at a time (learning faces, telling Immich,
/// the second look). A round that meets an outage or fails is logged and the next one tries again:
/// these are extras, and a failure in one must never stop the daemon that sorts.
/// </summary>
public abstract class FollowUpService(TimeSpan period, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected TimeProvider Clock => clock;

    /// <summary>What the rounds do, for the log ("learning from approvals").</summary>
    protected abstract string What { get; }

    /// <summary>One round.</summary>
    /// <exception cref="ServiceUnavailableException">A service the round needs (Immich, its ML service) cannot be asked now.</exception>
    protected abstract Task RunRoundAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(period, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunRoundAsync(stoppingToken);
                }
                catch (ServiceUnavailableException exception)
                {
                    logger.FollowUpPaused(What, exception.Message);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    logger.FollowUpFailed(exception, What, period);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: each round records what it did as it goes; the rest is found again at the next start.
        }
    }
}
