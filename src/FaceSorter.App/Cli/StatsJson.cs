using FaceSorter.Storage;

namespace FaceSorter.App.Cli;

/// <summary>The seed's JSON shape of the stats figures (snake_case), shared by <c>stats --json</c> and the web API.</summary>
internal static class StatsJson
{
    public static Dictionary<string, object?> From(SortStats stats) => new()
    {
        ["days"] = stats.Days,
        ["auto_sorted"] = stats.AutoSorted,
        ["in_review"] = stats.InReview,
        ["by_person"] = stats.ByPerson,
        ["by_category"] = stats.ByCategory,
        ["success_rate"] = stats.SuccessRate,
        ["corrections"] = stats.Corrections,
        ["duplicates"] = new Dictionary<string, int> { ["exact"] = stats.ExactDuplicates, ["near"] = stats.NearDuplicates },
    };
}
