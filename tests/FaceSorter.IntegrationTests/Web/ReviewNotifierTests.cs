using FaceSorter.Immich;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.IntegrationTests.Web.Support;
using FaceSorter.Notifications;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FaceSorter.IntegrationTests.Web;

/// <summary>The webhook notifier against a real SQLite store and an in-process HTTP receiver, with time driven by a fake clock.</summary>
public sealed class ReviewNotifierTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    private CancellationToken Token => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task New_review_items_are_announced_in_batches_of_N_and_a_smaller_batch_after_the_interval()
    {
        await using var receiver = await NotificationReceiver.StartAsync(Token);
        var store = await GivenStoreAsync();
        using var notifier = Notifier(store, receiver, null);
        await notifier.CheckAsync(Token); // the queue as found at start is not news

        await GivenReviewItemsAsync(store, 5);
        await notifier.CheckAsync(Token);
        receiver.Messages.Should().ContainSingle().Which.Should().Be("FaceSorter: 3 new files for review (unidentified 3); 5 waiting in all.");

        await notifier.CheckAsync(Token);
        receiver.Messages.Should().HaveCount(1, "two items are fewer than a batch and have not waited the interval");

        _clock.Advance(TimeSpan.FromMinutes(30));
        await notifier.CheckAsync(Token);
        receiver.Messages.Should().HaveCount(2);
        receiver.Messages.Last().Should().StartWith("FaceSorter: 2 new files for review");
    }

    [Fact]
    public async Task Immich_going_down_and_coming_back_is_announced_once_each()
    {
        await using var receiver = await NotificationReceiver.StartAsync(Token);
        var store = await GivenStoreAsync();
        var outage = new ImmichOutage(_clock, Microsoft.Extensions.Options.Options.Create(new ImmichOptions()), NullLogger<ImmichOutage>.Instance);
        using var notifier = Notifier(store, receiver, outage);
        await notifier.StartAsync(Token);

        outage.ReportFailure("connection refused");
        outage.ReportFailure("connection refused");
        await Eventually.UntilAsync(() => { _clock.Advance(TimeSpan.FromSeconds(15)); return receiver.Messages.Count == 1; }, TimeSpan.FromSeconds(10), "the outage announced", Token);
        receiver.Messages.Single().Should().Contain("Immich is down (connection refused)");

        outage.ReportSuccess();
        await Eventually.UntilAsync(() => { _clock.Advance(TimeSpan.FromSeconds(15)); return receiver.Messages.Count == 2; }, TimeSpan.FromSeconds(10), "the recovery announced", Token);
        receiver.Messages.Last().Should().Contain("Immich is back");
        await notifier.StopAsync(Token);
    }

    [Fact]
    public async Task NotifyUrl_is_served_by_run_with_the_web_page_disabled()
    {
        await using var receiver = await NotificationReceiver.StartAsync(Token);
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, config =>
        {
            config["Web"]!["Enabled"] = false;
            config["Web"]!["NotifyUrl"] = receiver.Url.ToString();
            config["Web"]!["NotifyBatchSize"] = 1;
            config["Web"]!["NotifyCheckInterval"] = "00:00:01"; // the validator's least
        }, Token);

        // A file that is not an image goes to review without Immich. The notifier's first look only
        // notes the queue as found, so drop another file whenever the last one is sorted unannounced.
        var dropped = 0;
        await Eventually.UntilAsync(() =>
        {
            if (receiver.Messages.Any(message => message.StartsWith("FaceSorter: 1 new file for review", StringComparison.Ordinal)))
            {
                return true; // (no Immich here: "Immich is down" is announced too)
            }

            if (dropped == 0 || File.Exists(Path.Combine(daemon.Review, "unidentified", $"invalid_note{dropped}.txt")))
            {
                dropped++;
                File.WriteAllText(Path.Combine(daemon.Inbox, $"note{dropped}.txt"), "not an image");
            }

            return false;
        }, TimeSpan.FromSeconds(30), "a review notification with Web:Enabled = false", Token);
    }

    private async Task<FaceSorterStore> GivenStoreAsync()
    {
        var store = FaceSorterStore.ForSqlite($"Data Source={Path.Combine(_folder.Path, "facesorter.db")}", _clock);
        await store.MigrateAsync(Token);
        return store;
    }

    private ReviewNotifier Notifier(IReviewQueue store, NotificationReceiver receiver, ImmichOutage? outage)
    {
        var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var options = new NotificationOptions
        {
            NotifyUrl = receiver.Url.ToString(),
            NotifyBatchSize = 3,
            NotifyInterval = TimeSpan.FromMinutes(30),
            NotifyCheckInterval = TimeSpan.FromSeconds(15),
        };
        return new ReviewNotifier(store, services.GetRequiredService<IHttpClientFactory>(), _clock, Microsoft.Extensions.Options.Options.Create(options), NullLogger<ReviewNotifier>.Instance, outage);
    }

    private async Task GivenReviewItemsAsync(FaceSorterStore store, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var path = Path.Combine(_folder.Path, "review", "unidentified", $"unknown_{i}.jpg");
            var outcome = new OutcomeRecord(RecordKind.Review, $"hash{i}", null, null, "unidentified", "unknown person", 1, null, null);
            var ids = await store.BeginMovesAsync([new PlannedMove($"/inbox/{i}.jpg", path, outcome)], Token);
            await store.CompleteMovesAsync([new CompletedMove(ids[0], path)], Token);
        }
    }
}
