using FaceSorter.Immich.MachineLearning;

namespace FaceSorter.Tests.MachineLearning;

/// <summary>
/// The scan's split between the calling thread and the helper thread never changes the result: a
/// block the helper took but has not finished is scanned by the caller, and matches from many
/// threads at once (when the helper can help only one of them) agree with a scan on one thread.
/// </summary>
public sealed class ScanJobTests
{
    private const int Dimensions = 512;

    [Fact]
    public void A_block_taken_by_a_helper_that_never_finishes_is_scanned_by_the_caller()
    {
        var scanned = new int[5];
        var job = new ScanJob<string>(5, block =>
        {
            Interlocked.Increment(ref scanned[block]);
            return $"block {block}";
        });

        // A helper that woke, took two blocks and was then pre-empted for good.
        job.Take().Should().Be(0);
        job.Take().Should().Be(1);

        job.Finish().Should().Equal("block 0", "block 1", "block 2", "block 3", "block 4");
        scanned.Should().Equal(1, 1, 1, 1, 1);
        job.Take().Should().Be(-1);
    }

    [Fact]
    public void A_late_helper_result_does_not_replace_the_callers()
    {
        var calls = 0;
        var job = new ScanJob<string>(2, block => $"block {block} scan {Interlocked.Increment(ref calls)}");
        job.Take().Should().Be(0);
        var results = job.Finish();

        job.Run(0); // the pre-empted helper finishes block 0 after the caller did
        results[0].Should().Be("block 0 scan 2", "the caller's copy was kept: block 1 was scanned first, then block 0");
    }

    [Fact]
    public void The_candidates_are_the_same_whether_the_helper_takes_blocks_or_stalls_or_the_caller_scans_alone()
    {
        var (gallery, queries) = Gallery(3 * Matcher.RowsPerBlock + 100);
        var rules = new MatchRules(0.5, 0.05);
        foreach (var query in queries)
        {
            var alone = Matcher.Candidates(gallery, query, rules, bothCores: false);
            alone.Should().NotBeEmpty();
            Matcher.Candidates(gallery, query, rules).Should().Equal(alone);

            // The helper takes the first two blocks, finishes the first and never returns from the second.
            var stalled = Matcher.Candidates(gallery, query, rules, bothCores: false, beforeFinish: job =>
            {
                job.Take().Should().Be(0);
                job.Take().Should().Be(1);
                job.Run(0);
            });
            stalled.Should().Equal(alone);
        }
    }

    [Fact]
    public void Matches_from_many_threads_at_once_agree_with_matches_on_one_thread()
    {
        var (gallery, queries) = Gallery(3 * Matcher.RowsPerBlock);
        var rules = new MatchRules(0.5, 0.05);
        var expected = queries.Select(query => Matcher.Match(gallery, query, rules, bothCores: false)).ToArray();
        expected.Should().Contain(match => match != null);

        var actual = new FaceMatch?[8][];
        Parallel.For(0, actual.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
            actual[thread] = queries.Select(query => Matcher.Match(gallery, query, rules)).ToArray());

        foreach (var results in actual)
        {
            results.Should().Equal(expected);
        }
    }

    /// <summary>People of 8 faces around random centres, and queries near some of their faces and near nobody.</summary>
    private static (GallerySnapshot Gallery, List<float[]> Queries) Gallery(int faces)
    {
        var random = new Random(20261130);
        var builder = new GalleryBuilder(faces, TimeProvider.System);
        var rows = new List<float[]>();
        float[] centre = [];
        for (var row = 0; row < faces; row++)
        {
            if (row % 8 == 0)
            {
                centre = Gaussian(random);
            }

            var noise = Gaussian(random);
            var face = centre.Zip(noise, (c, n) => c + (0.8f * n)).ToArray();
            rows.Add(face);
            builder.Add($"p{row / 8}", $"Person {row / 8}", Guid.NewGuid(), face).Should().BeTrue();
        }

        var queries = new List<float[]>();
        for (var i = 0; i < 12; i++)
        {
            var face = rows[random.Next(rows.Count)];
            var noise = Gaussian(random);
            queries.Add(face.Zip(noise, (f, n) => f + (0.5f * n)).ToArray());
        }

        var units = queries.Select(query =>
        {
            var unit = new float[Dimensions];
            Embeddings.TryNormalize(query, unit).Should().BeTrue();
            return unit;
        }).ToList();
        return (builder.Build(), units);
    }

    private static float[] Gaussian(Random random) =>
        Enumerable.Range(0, Dimensions).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToArray();
}
