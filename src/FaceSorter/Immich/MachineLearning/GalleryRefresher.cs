using FaceSorter.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// Loads the gallery at start and re-reads it every <see cref="ImmichOptions.GalleryRefreshInterval"/>.
/// A database that cannot be reached is an outage: warn and retry after
/// <see cref="ImmichOptions.MaxRetryDelay"/>, keeping the last snapshot. An unknown layout stops the
/// host (docs/contracts.md, "Immich": start-up stops with a message naming what was found).
/// </summary>
public sealed class GalleryRefresher : BackgroundService
{
    private readonly Gallery _gallery;
    private readonly ImmichOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<GalleryRefresher> _logger;

    public GalleryRefresher(Gallery gallery, IOptions<ImmichOptions> options, TimeProvider timeProvider, ILogger<GalleryRefresher> logger)
    {
        _gallery = gallery;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = _options.GalleryRefreshInterval;
            try
            {
                // The first round reuses a snapshot a file's check may already have loaded.
                _ = first ? await _gallery.GetAsync(stoppingToken) : await _gallery.RefreshAsync(stoppingToken);
                first = false;
            }
            catch (FaceServiceUnavailableException ex)
            {
                wait = _options.MaxRetryDelay < wait ? _options.MaxRetryDelay : wait;
                _logger.GalleryLoadFailed(ex, wait);
            }

            try
            {
                await Task.Delay(wait, _timeProvider, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: the current snapshot stays valid until the process ends; nothing to flush.
                return;
            }
        }
    }
}
