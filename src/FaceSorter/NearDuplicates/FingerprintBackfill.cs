using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.NearDuplicates;

/// <summary>
/// Builds the near-duplicate index at start, then fingerprints the contents that have none yet — files
/// the user added to <c>faces/</c> by hand, and everything known before fingerprints were — at start,
/// when asked (<see cref="FingerprintRequests"/>: a picture added by hand was just recorded), and at
/// least every <c>FaceSorter:RescanInterval</c> (docs/contracts.md, "Near duplicates").
/// </summary>
public sealed class FingerprintBackfill(
    NearDuplicateChecker checker,
    IFingerprints store,
    FingerprintRequests requests,
    IOptions<SortingOptions> options,
    TimeProvider clock,
    ILogger<FingerprintBackfill> logger) : BackgroundService
{
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await checker.EnsureLoadedAsync(stoppingToken);
            while (true)
            {
                await FillAsync(stoppingToken);
                await requests.WaitAsync(options.Value.RescanInterval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Fingerprints every content that has none yet; returns how many it looked at.</summary>
    public async Task<int> FillAsync(CancellationToken cancellationToken)
    {
        var done = 0;
        try
        {
            while (await store.ListUnfingerprintedAsync(Batch, cancellationToken) is { Count: > 0 } contents)
            {
                foreach (var content in contents)
                {
                    await checker.RememberAsync(content, cancellationToken);
                }

                done += contents.Count;
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.FingerprintBackfillFailed(exception.Message);
        }

        if (done > 0)
        {
            logger.FingerprintsBackfilled(Plural.Of(done, "known picture"));
        }

        return done;
    }
}
