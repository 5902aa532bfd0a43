namespace FaceSorter.Storage;

/// <summary>The figures the status page, <c>stats</c> and <c>doctor</c> show (docs/contracts.md, "Stats"), computed in SQL.</summary>
public interface ISortStatistics
{
    /// <summary>The seed's figures over the last <paramref name="days"/> days before <paramref name="now"/> (docs/contracts.md, "Stats").</summary>
    Task<SortStats> GetStatsAsync(int days, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Activity per UTC day from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive),
    /// oldest first; days without any are left out.
    /// </summary>
    Task<IReadOnlyList<DailyCount>> GetDailyCountsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
