using System.Globalization;
using System.Text;
using System.Threading.Channels;
using FaceSorter.Immich;
using FaceSorter.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Notifications;

/// <summary>
/// Sends batched plain-text messages to <c>Web:NotifyUrl</c> (ntfy and Gotify both accept a POST with
/// a text body): one per <c>NotifyBatchSize</c> new review items, or fewer once the oldest unsent one
/// has waited <c>NotifyInterval</c>; and one each time Immich goes down or comes back.
/// New items are found by looking at the pending queue every <c>NotifyCheckInterval</c> (the store is
/// the truth, shared with other daemons); the outage event handler only enqueues, the loop sends.
/// A failed POST is logged and the batch is kept for the next tick: a notification is never worth
/// stopping the daemon for.
/// </summary>
public sealed class ReviewNotifier : BackgroundService
{
    public const string HttpClientName = "notify";

    private readonly IReviewQueue _store;
    private readonly ImmichOutage? _outage;
    private readonly IHttpClientFactory _http;
    private readonly TimeProvider _clock;
    private readonly NotificationOptions _options;
    private readonly ILogger<ReviewNotifier> _logger;
    private readonly Channel<string> _outageMessages = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<ReviewItem> _unsent = []; // new pending items not yet announced (loop-owned)
    private long _lastSeenId = -1;                     // highest review id already counted (loop-owned)
    private DateTimeOffset? _firstUnsentAt;

    public ReviewNotifier(IReviewQueue store, IHttpClientFactory http, TimeProvider clock, IOptions<NotificationOptions> options, ILogger<ReviewNotifier> logger, ImmichOutage? outage = null)
    {
        _store = store;
        _http = http;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
        _outage = outage;
    }

    private bool IsOn => !string.IsNullOrWhiteSpace(_options.NotifyUrl);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribed here, not in ExecuteAsync: that runs on the thread pool and would miss an outage
        // reported between start and its first line.
        if (IsOn && _outage is not null)
        {
            _outage.Changed += OnOutageChanged;
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        if (_outage is not null)
        {
            _outage.Changed -= OnOutageChanged;
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!IsOn)
        {
            return;
        }

        try
        {
            using var timer = new PeriodicTimer(_options.NotifyCheckInterval, _clock);
            await CheckAsync(stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: unsent batches are dropped; the items themselves stay in the queue.
        }
    }

    /// <summary>One look: send pending outage messages, then count new review items and send a batch when due.</summary>
    internal async Task CheckAsync(CancellationToken cancellationToken)
    {
        while (_outageMessages.Reader.TryPeek(out var message))
        {
            if (!await SendAsync(message, cancellationToken))
            {
                break;
            }

            _outageMessages.Reader.TryRead(out _);
        }

        var pending = await _store.ListReviewAsync(null, ReviewAction.Pending, cancellationToken);
        if (_lastSeenId < 0)
        {
            // The queue as found at start was there before us: announce only what arrives later.
            _lastSeenId = pending.Count == 0 ? 0 : pending.Max(item => item.Id);
            return;
        }

        foreach (var item in pending.Where(item => item.Id > _lastSeenId))
        {
            _unsent.Add(item);
            _lastSeenId = Math.Max(_lastSeenId, item.Id);
        }

        if (_unsent.Count > 0)
        {
            _firstUnsentAt ??= _clock.GetUtcNow();
        }

        var batchSize = Math.Max(1, _options.NotifyBatchSize);
        while (_unsent.Count >= batchSize)
        {
            if (!await SendAsync(Describe(_unsent.Take(batchSize).ToList(), pending.Count), cancellationToken))
            {
                return;
            }

            _unsent.RemoveRange(0, batchSize);
            _firstUnsentAt = _unsent.Count > 0 ? _clock.GetUtcNow() : null;
        }

        if (_unsent.Count > 0 && _clock.GetUtcNow() - _firstUnsentAt >= _options.NotifyInterval
            && await SendAsync(Describe(_unsent, pending.Count), cancellationToken))
        {
            _unsent.Clear();
            _firstUnsentAt = null;
        }
    }

    private void OnOutageChanged(bool down, string? reason) =>
        _outageMessages.Writer.TryWrite(down
            ? $"FaceSorter: Immich is down ({reason ?? "no reason given"}); new downloads wait in the drop folder."
            : "FaceSorter: Immich is back; sorting resumes.");

    private static string Describe(List<ReviewItem> items, int pendingTotal)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"FaceSorter: {items.Count} new file{(items.Count == 1 ? "" : "s")} for review (");
        text.AppendJoin(", ", items.GroupBy(item => item.Category).OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => string.Create(CultureInfo.InvariantCulture, $"{group.Key} {group.Count()}")));
        text.Append(CultureInfo.InvariantCulture, $"); {pendingTotal} waiting in all.");
        return text.ToString();
    }

    private async Task<bool> SendAsync(string message, CancellationToken cancellationToken)
    {
        try
        {
            using var client = _http.CreateClient(HttpClientName);
            using var content = new StringContent(message, Encoding.UTF8, "text/plain");
            using var response = await client.PostAsync(new Uri(_options.NotifyUrl), content, cancellationToken);
            response.EnsureSuccessStatusCode();
            _logger.NotificationSent(message);
            return true;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _logger.NotificationFailed(exception, _options.NotifyUrl);
            return false;
        }
    }
}
