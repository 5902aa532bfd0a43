using System.Diagnostics;
using FaceSorter.IntegrationTests.Review;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Storage;

namespace FaceSorter.Benchmarks;

/// <summary>
/// Issue 5's speed goal: 1,000 approvals made by one <c>mv</c> of many files are all recorded within
/// 2 s of the move. Real watcher, real SQLite store, real <c>mv</c>, in a temp folder.
/// </summary>
internal static class ReviewBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1000;
        await using var harness = new ReviewHarness();
        var files = await harness.GivenReviewFilesAsync(count);
        var person = Path.Combine(harness.Faces, "bench");
        Directory.CreateDirectory(person);
        await harness.StartAsync();

        var clock = Stopwatch.StartNew();
        await ReviewHarness.RunAsync("sh", "-c", $"mv \"{harness.Review}\"/unidentified/*.jpg \"{person}/\"");
        var moved = clock.Elapsed;
        await Eventually.UntilAsync(
            async () => (await harness.Store.ListReviewAsync(null, ReviewAction.Pending, CancellationToken.None)).Count == 0,
            TimeSpan.FromSeconds(60),
            $"{count} approvals");
        var recorded = clock.Elapsed;

        var wrong = (await harness.Store.ListReviewAsync(null, null, CancellationToken.None))
            .Count(row => row.ReviewedBy != "file-manager" || row.SuggestedPerson != "bench" || !row.FilePath.StartsWith(person + "/", StringComparison.Ordinal));
        Console.WriteLine($"review: {count} approvals by one mv (mv took {moved.TotalMilliseconds:0} ms) all recorded {(recorded - moved).TotalMilliseconds:0} ms after the move ended, {recorded.TotalMilliseconds:0} ms after it began (goal <= 2000 ms); {wrong} rows wrong");
        Environment.ExitCode = wrong == 0 && recorded <= TimeSpan.FromSeconds(2) ? 0 : 1;
    }
}
