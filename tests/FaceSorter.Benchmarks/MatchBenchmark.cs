using System.Diagnostics;
using FaceSorter.Immich.MachineLearning;

namespace FaceSorter.Benchmarks;

/// <summary>Issue 4 goal: matching one face against 100 000 named faces in at most 2 ms.</summary>
internal static class MatchBenchmark
{
    public static void Run()
    {
        Console.WriteLine($"match: building an in-memory gallery of {SyntheticGallery.Faces:N0} faces ({SyntheticGallery.People:N0} people)…");
        var gallery = SyntheticGallery.InMemory();
        var rules = new MatchRules(0.5, 0.05);
        var random = new Random(3);
        var queries = Enumerable.Range(0, 64).Select(_ =>
        {
            var unit = new float[gallery.Dimensions];
            Embeddings.TryNormalize(SyntheticGallery.RandomVector(random), unit);
            return unit;
        }).ToArray();

        for (var i = 0; i < 20; i++)
        {
            Matcher.Match(gallery, queries[i % queries.Length], rules);
        }

        var times = new double[200];
        for (var i = 0; i < times.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            Matcher.Match(gallery, queries[i % queries.Length], rules);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(times);
        Console.WriteLine($"match: one face vs {gallery.Count:N0} faces: median {times[times.Length / 2]:F2} ms, p95 {times[(int)(times.Length * 0.95)]:F2} ms, best {times[0]:F2} ms (goal <= 2 ms) -> {(times[times.Length / 2] <= 2 ? "MET" : "NOT MET")}");
    }
}
