using System.Diagnostics;
using FaceSorter.Immich;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.Benchmarks;

/// <summary>
/// Issue 4 goal: ML-mode throughput with an ML service taking 100 ms per image of at least
/// 0.9 × concurrency × 10 files/s. The pipeline is not on this branch yet, so this drives
/// <see cref="IFaceService"/> directly with N concurrent workers (what the pipeline's
/// MaxConcurrentRequests readers will do), against a 100 000-face gallery.
/// </summary>
internal static class ThroughputBenchmark
{
    public static async Task RunAsync(int[] concurrencies, CancellationToken cancellationToken)
    {
        await using var harness = await MachineLearningHarness.StartAsync(PostgresImmichDatabase.V31, cancellationToken);
        var faces = int.TryParse(Environment.GetEnvironmentVariable("FACESORTER_BENCH_FACES"), out var n) ? n : SyntheticGallery.Faces;
        Console.WriteLine($"throughput: seeding {faces:N0} faces…");
        await SyntheticGallery.SeedAsync(harness.Database, faces, cancellationToken);
        await harness.Gallery.RefreshAsync(cancellationToken);
        var face = SyntheticGallery.RandomVector(new Random(5));
        harness.Emulator.Answer = _ => MachineLearningEmulator.Faces(new MachineLearningEmulatorFace(face));
        var image = await harness.ImageAsync("bench.jpg", cancellationToken);

        // Warm-up without the model delay, enough calls for tiered JIT to reach its optimised code
        // (the first ~30 calls of Matcher.Match run unoptimised, several times slower): the daemon
        // runs for days, so the steady state is the figure that matters.
        harness.Emulator.Delay = TimeSpan.Zero;
        for (var i = 0; i < 100; i++)
        {
            await harness.FaceService.CheckAsync(image, cancellationToken);
        }

        harness.Emulator.Delay = TimeSpan.FromMilliseconds(100);

        foreach (var concurrency in concurrencies)
        {
            var files = concurrency * 25;
            var remaining = files;
            var started = Stopwatch.GetTimestamp();
            var workers = Enumerable.Range(0, concurrency).Select(async _ =>
            {
                while (Interlocked.Decrement(ref remaining) >= 0)
                {
                    await harness.FaceService.CheckAsync(image, cancellationToken);
                }
            });
            await Task.WhenAll(workers);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var perSecond = files / elapsed.TotalSeconds;
            var goal = 0.9 * concurrency * 10;
            Console.WriteLine(
                $"throughput: concurrency {concurrency}: {files} files in {elapsed.TotalSeconds:F2} s = {perSecond:F1} files/s "
                + $"(goal >= {goal:F1}) -> {(perSecond >= goal ? "MET" : "NOT MET")}; ML service saw at most {harness.Emulator.MaxConcurrency} at once");
        }
    }
}
