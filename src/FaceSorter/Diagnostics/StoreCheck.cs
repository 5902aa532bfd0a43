using FaceSorter.Options;
using FaceSorter.Storage;

namespace FaceSorter.Diagnostics;

/// <summary>FaceSorter's own database: opens, is (or is brought) up to date, and answers the stats query.</summary>
public sealed class StoreCheck(IFaceSorterStore store, DatabaseOptions options, TimeProvider clock)
{
    public async Task<DoctorCheck> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.MigrateAsync(cancellationToken);
            var stats = await store.GetStatsAsync(7, clock.GetUtcNow(), cancellationToken);
            return DoctorCheck.Ok("Store", $"{options.Provider}, schema version {store.SchemaVersion}: {stats.AutoSorted} sorted in the last 7 days, {stats.InReview} waiting for review");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return DoctorCheck.Failed("Store", $"{options.Provider}: {exception.Message}", $"check {DatabaseOptions.Section}:ConnectionString (and that its folder or server is reachable and writable)");
        }
    }
}
