using FaceSorter.Immich.MachineLearning;

namespace FaceSorter.Tests.MachineLearning;

/// <summary>
/// The 2-bit and 8-bit scans with exact re-rank give, on every query, what a full exact float search gives:
/// same person, distance, runner-up and runner-up distance, so the same MaxDistance, MinMargin and
/// MinConfidence decisions. Faces are at real-scale distances (a person's faces about 0.4 apart,
/// other people about 1), with many queries placed on or next to the thresholds.
/// </summary>
public sealed class MatcherExactnessTests
{
    private const int Dimensions = 512;
    private const int People = 900;
    private const int FacesPerPerson = 20;

    [Theory]
    [InlineData(false, 0.5, 0.05)]
    [InlineData(true, 0.5, 0.05)]
    [InlineData(false, 0.4, 0.0)]
    [InlineData(false, 0.65, 0.12)]
    public void The_quantized_scan_matches_exactly_like_a_full_float_search(bool vectorsInFile, double maxDistance, double minMargin)
    {
        var rules = new MatchRules(maxDistance, minMargin);
        var random = new Random(20261124);
        var (rows, persons) = Faces(random);
        var builder = new GalleryBuilder(rows.Count, TimeProvider.System, exactMemoryLimit: vectorsInFile ? 0 : ExactVectors.DefaultMemoryLimit);
        for (var i = 0; i < rows.Count; i++)
        {
            builder.Add($"p{persons[i]}", $"Person {persons[i]}", Guid.NewGuid(), rows[i]).Should().BeTrue();
        }

        var gallery = builder.Build();
        gallery.ExactVectorsInFile.Should().Be(vectorsInFile);
        var units = rows.Select(Unit).ToList();
        var queries = Queries(random, units, 1 - maxDistance);

        var nearThreshold = 0;
        var ambiguous = 0;
        foreach (var (query, i) in queries.Select((q, i) => (q, i)))
        {
            var expected = ExactSearch(units, persons, query, rules);
            var actual = Matcher.Match(gallery, query, rules);

            var described = actual is null ? "no match" : $"{actual.Person.Key} at {actual.Distance}, runner-up {actual.RunnerUp?.Key} at {actual.RunnerUpDistance}";
            (actual?.Person.Key).Should().Be(expected?.Person, $"query {i}: {described}");
            (actual?.Distance).Should().Be(expected?.Distance, $"query {i}");
            (actual?.RunnerUp?.Key).Should().Be(expected?.RunnerUp, $"query {i}");
            (actual?.RunnerUpDistance).Should().Be(expected?.RunnerUpDistance, $"query {i}");
            nearThreshold += expected is { } e && Math.Abs(e.BestDistance - rules.MaxDistance) <= 0.001 ? 1 : 0;
            ambiguous += expected?.RunnerUp is null ? 0 : 1;
        }

        nearThreshold.Should().BeGreaterThan(60, "the set has many matches within 0.001 of MaxDistance (and as many rejections just beyond it)");
        if (minMargin > 0)
        {
            ambiguous.Should().BeGreaterThan(20, "the set has many ambiguous matches");
        }
    }

    /// <summary>People around random centres; some faces are exact copies under another name (exact ties).</summary>
    private static (List<float[]> Rows, List<int> Persons) Faces(Random random)
    {
        var rows = new List<float[]>();
        var persons = new List<int>();
        for (var p = 0; p < People; p++)
        {
            var centre = Unit(Gaussian(random));
            for (var f = 0; f < FacesPerPerson; f++)
            {
                var noise = Unit(Gaussian(random));
                rows.Add(centre.Zip(noise, (c, n) => (c + (0.8f * n)) * 3.7f).ToArray()); // not unit length, as ArcFace gives them
                persons.Add(p);
            }
        }

        for (var i = 0; i < 50; i++)
        {
            rows.Add((float[])rows[random.Next(rows.Count)].Clone());
            persons.Add(random.Next(People));
        }

        return (rows, persons);
    }

    private static List<float[]> Queries(Random random, List<float[]> units, double threshold)
    {
        var queries = new List<float[]>();
        for (var i = 0; i < 160; i++)
        {
            // On or next to MaxDistance from one face: cos = 1 − MaxDistance + δ, δ within ±0.0005 or a whole multiple of 1e-6.
            var face = units[random.Next(units.Count)];
            var delta = i % 2 == 0 ? (random.NextDouble() - 0.5) * 0.001 : random.Next(-3, 4) * 1e-6;
            queries.Add(AtSimilarity(random, face, threshold + delta));
        }

        for (var i = 0; i < 120; i++)
        {
            // Between two people: the difference of the distances sweeps across MinMargin.
            var a = units[random.Next(units.Count)];
            var b = units[random.Next(units.Count)];
            var weight = 1 + ((random.NextDouble() - 0.5) * 0.3);
            queries.Add(Unit(a.Zip(b, (x, y) => (float)(x + (weight * y))).ToArray()));
        }

        for (var i = 0; i < 40; i++)
        {
            queries.Add(units[random.Next(units.Count)]);
            queries.Add(Unit(Gaussian(random)));
        }

        return queries;
    }

    /// <summary>A unit vector whose cosine to <paramref name="face"/> is <paramref name="cosine"/> (up to float rounding).</summary>
    private static float[] AtSimilarity(Random random, float[] face, double cosine)
    {
        var other = Gaussian(random);
        var along = Embeddings.Similarity(other, face);
        var orthogonal = Unit(other.Select((v, i) => (float)(v - (along * face[i]))).ToArray());
        var sine = Math.Sqrt(1 - (cosine * cosine));
        return Unit(face.Select((v, i) => (float)((cosine * v) + (sine * orthogonal[i]))).ToArray());
    }

    /// <summary>The rule on every row, with nothing skipped.</summary>
    private static Expected? ExactSearch(List<float[]> units, List<int> persons, float[] query, MatchRules rules)
    {
        var best = double.NegativeInfinity;
        var second = double.NegativeInfinity;
        int bestPerson = -1, secondPerson = -1;
        for (var row = 0; row < units.Count; row++)
        {
            var similarity = Embeddings.Similarity(units[row], query);
            var person = persons[row];
            if (similarity <= second)
            {
                continue;
            }

            if (person == bestPerson)
            {
                best = Math.Max(best, similarity);
            }
            else if (similarity > best)
            {
                (second, secondPerson) = (best, bestPerson);
                (best, bestPerson) = (similarity, person);
            }
            else
            {
                (second, secondPerson) = (similarity, person);
            }
        }

        var distance = Distance(best);
        if (distance > rules.MaxDistance)
        {
            return null;
        }

        var ambiguous = secondPerson >= 0 && Distance(second) - distance <= rules.MinMargin + 1e-9;
        return new Expected($"person_{bestPerson}", distance, ambiguous ? $"person_{secondPerson}" : null, ambiguous ? Distance(second) : null, distance);
    }

    private static double Distance(double similarity) => Math.Round(1 - Math.Round(similarity, 6), 6);

    private static float[] Gaussian(Random random) =>
        Enumerable.Range(0, Dimensions).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToArray();

    private static float[] Unit(float[] vector)
    {
        var unit = new float[vector.Length];
        Embeddings.TryNormalize(vector, unit).Should().BeTrue();
        return unit;
    }

    private sealed record Expected(string Person, double Distance, string? RunnerUp, double? RunnerUpDistance, double BestDistance);
}
