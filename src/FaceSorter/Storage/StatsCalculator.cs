namespace FaceSorter.Storage;

internal static class StatsCalculator
{
    /// <summary>success_rate = auto_sorted / (auto_sorted + in_review) × 100, as the seed computes it.</summary>
    public static double SuccessRate(int autoSorted, int inReview) =>
        autoSorted + inReview == 0 ? 0 : Math.Round(100.0 * autoSorted / (autoSorted + inReview), 1);
}
