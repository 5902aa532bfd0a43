using FaceSorter.Immich.MachineLearning;

namespace FaceSorter.Tests.MachineLearning;

/// <summary>
/// The 2-bit first pass of the matcher (docs/matching.md, "Matching"): its AVX2 sum equals the
/// plain one, and its error bound holds for every row and query, including lopsided vectors the
/// 2-bit codes fit badly, so no row that could matter is ever dropped.
/// </summary>
public sealed class CoarseCodesTests
{
    [Theory]
    [InlineData(512)]
    [InlineData(128)]
    [InlineData(200)]
    [InlineData(1000)]
    public void The_vectorised_product_of_2_bit_codes_equals_the_plain_one(int dimensions)
    {
        var random = new Random(dimensions);
        var bytes = GalleryBuilder.CoarseBytes(dimensions);
        for (var trial = 0; trial < 200; trial++)
        {
            var packed = new byte[bytes];
            var codes = new sbyte[bytes * 4];
            random.NextBytes(packed);
            for (var i = 0; i < dimensions; i++)
            {
                // Every fourth trial at the extremes, where a 16-bit sum would overflow first.
                codes[i] = trial % 4 == 0 ? (sbyte)(i % 2 == 0 ? 127 : -127) : (sbyte)random.Next(-127, 128);
            }

            if (trial % 4 == 0)
            {
                Array.Fill(packed, (byte)0xFF);
            }

            Matcher.CoarseProduct(packed, codes).Should().Be(Matcher.CoarseProductScalar(packed, codes), $"trial {trial}");
        }
    }

    [Fact]
    public void Packing_puts_each_dimension_where_the_scan_reads_it()
    {
        var unit = new float[512];
        for (var i = 0; i < unit.Length; i++)
        {
            unit[i] = (i % 7) - 3f;
        }

        Embeddings.TryNormalize(unit, unit).Should().BeTrue();
        var packed = new byte[GalleryBuilder.CoarseBytes(512)];
        var (step, _) = GalleryBuilder.QuantizeCoarse(unit, packed);

        for (var i = 0; i < unit.Length; i++)
        {
            var one = new sbyte[512];
            one[i] = 1;
            Matcher.CoarseProduct(packed, one).Should().Be(GalleryBuilder.CoarseCode(unit[i], 1 / (double)step), $"dimension {i}");
        }
    }

    [Theory]
    [InlineData(512)]
    [InlineData(200)]
    public void The_2_bit_bound_holds_for_every_row_and_query(int dimensions)
    {
        var random = new Random(7 + dimensions);
        var rows = Enumerable.Range(0, 300).Select(i => Unit(Shape(random, dimensions, i % 6))).ToList();
        var builder = new GalleryBuilder(rows.Count, TimeProvider.System);
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
        {
            builder.Add($"p{i}", $"Person {i}", Guid.NewGuid(), row).Should().BeTrue();
        }

        var gallery = builder.Build();
        var queries = Enumerable.Range(0, 30).Select(i => Unit(Shape(random, dimensions, i % 6)))
            .Concat(rows.Take(10))
            .Concat(rows.Take(10).Select(r => r.Select(v => -v).ToArray()))
            .ToList();

        var widestGaussian = 0.0;
        var stored = new float[dimensions];
        foreach (var (query, q) in queries.Select((query, q) => (query, q)))
        {
            for (var row = 0; row < rows.Count; row++)
            {
                gallery.ReadExact(row, stored);
                var exact = Embeddings.Similarity(stored, query);
                var (approximate, bound) = Matcher.CoarseEstimate(gallery, row, query);
                Math.Abs(exact - approximate).Should().BeLessThanOrEqualTo(bound, $"row {row} (shape {row % 6})");
                widestGaussian = row % 6 == 0 && q < 30 && q % 6 == 0 ? Math.Max(widestGaussian, bound) : widestGaussian;
            }
        }

        if (dimensions == 512)
        {
            widestGaussian.Should().BeLessThan(0.4, "between Gaussian-like 512-d faces (ArcFace's) the bound is tight enough to drop most rows below a match at distance 0.5");
        }
    }

    [Fact]
    public void The_four_row_test_keeps_exactly_the_rows_whose_one_row_bound_reaches_the_threshold()
    {
        System.Runtime.Intrinsics.X86.Avx2.IsSupported.Should().BeTrue("the matcher's fast path runs on AVX2 machines, and this test checks it");
        var random = new Random(11);
        var rows = Enumerable.Range(0, 64).Select(i => Unit(Shape(random, 512, i % 6))).ToList();
        var builder = new GalleryBuilder(rows.Count, TimeProvider.System);
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
        {
            builder.Add($"p{i}", $"Person {i}", Guid.NewGuid(), row).Should().BeTrue();
        }

        var gallery = builder.Build();
        var queries = Enumerable.Range(0, 12).Select(i => Unit(Shape(random, 512, i % 6))).Concat(rows.Take(4)).ToList();
        foreach (var query in queries)
        {
            for (var row = 0; row + 4 <= rows.Count; row += 4)
            {
                var uppers = Enumerable.Range(row, 4).Select(r => Matcher.CoarseEstimate(gallery, r, query)).Select(e => e.Approximate + e.Bound).ToArray();

                // Thresholds on each row's bound exactly, just above it, and around all four.
                foreach (var threshold in uppers.SelectMany(u => new[] { u, Math.BitIncrement(u), Math.BitDecrement(u) }).Concat([-2.0, 0.0, 0.45, 2.0]))
                {
                    var expected = uppers.Select((u, i) => u >= threshold ? 1 << i : 0).Sum();
                    Matcher.CoarseKeep4(gallery, row, query, threshold).Should().Be(expected, $"rows {row}-{row + 3} at threshold {threshold:R}");
                }
            }
        }
    }

    /// <summary>Gaussian, uniform, spiky (a few huge values), sparse, constant magnitude, and one-hot vectors.</summary>
    private static float[] Shape(Random random, int dimensions, int shape)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            var gaussian = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            vector[i] = shape switch
            {
                0 => gaussian,
                1 => (random.NextSingle() * 2) - 1,
                2 => i % 61 == 0 ? 40 * gaussian : gaussian,
                3 => random.Next(10) == 0 ? gaussian : 0,
                4 => random.Next(2) == 0 ? 1 : -1,
                _ => i == random.Next(dimensions) ? 1 : 0,
            };
        }

        vector[random.Next(dimensions)] += shape == 5 ? 1 : 0;
        return vector;
    }

    private static float[] Unit(float[] vector)
    {
        var unit = new float[vector.Length];
        Embeddings.TryNormalize(vector, unit).Should().BeTrue();
        return unit;
    }
}
