using FaceSorter.IntegrationTests.Support;
using FaceSorter.NearDuplicates;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;

namespace FaceSorter.IntegrationTests.NearDuplicates;

/// <summary>Issue 14, new-user trial: the fingerprint backfill of a picture added by hand, with a real SQLite store and a real photo.</summary>
public sealed class FingerprintBackfillTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task One_picture_added_by_hand_is_logged_as_one_known_picture_not_pictures()
    {
        var token = TestContext.Current.CancellationToken;
        var store = FaceSorterStore.ForSqlite($"Data Source={Path.Combine(_folder.Path, "facesorter.db")}", TimeProvider.System);
        await store.MigrateAsync(token);
        var photo = Path.Combine(_folder.Path, "hand.jpg");
        File.Copy(RealPhotos.All()[0], photo);
        await store.AddManualDownloadAsync(photo, "john_doe", "h1", token);
        var options = Microsoft.Extensions.Options.Options.Create(new SortingOptions());
        using var checker = new NearDuplicateChecker(store, store, new Fingerprinter(), new FingerprintIndex(), options, NullLogger<NearDuplicateChecker>.Instance);
        using var requests = new FingerprintRequests();
        var logger = new FakeLogger<FingerprintBackfill>();
        using var backfill = new FingerprintBackfill(checker, store, requests, options, TimeProvider.System, logger);

        (await backfill.FillAsync(token)).Should().Be(1);

        logger.Collector.GetSnapshot().Should().ContainSingle().Which.Message.Should().StartWith("Fingerprinted 1 known picture that had none");
    }

    public void Dispose() => _folder.Dispose();
}
