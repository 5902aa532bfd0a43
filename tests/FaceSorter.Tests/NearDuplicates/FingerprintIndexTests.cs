using System.Numerics;
using FaceSorter.NearDuplicates;

namespace FaceSorter.Tests.NearDuplicates;

public sealed class FingerprintIndexTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(12)]
    [InlineData(16)]
    public void A_lookup_finds_exactly_what_a_full_scan_finds(int maxDistance)
    {
        var random = new Random(maxDistance);
        var index = new FingerprintIndex();
        var all = new List<ulong>();
        var centre = (ulong)random.NextInt64();
        for (var i = 0; i < 20_000; i++)
        {
            // Half random, half clustered around one picture, so every distance occurs.
            var fingerprint = i % 2 == 0 ? (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63) : FlipBits(centre, random.Next(0, 20), random);
            all.Add(fingerprint);
            index.Add(fingerprint);
        }

        foreach (var query in new[] { centre, FlipBits(centre, 5, random), (ulong)random.NextInt64() })
        {
            var expected = all.Distinct().Where(value => BitOperations.PopCount(value ^ query) <= maxDistance).Order().ToList();

            index.Find(query, maxDistance).Select(found => found.Fingerprint).Order().Should().Equal(expected);
        }
    }

    [Fact]
    public void A_fingerprint_is_found_however_its_differing_bits_are_spread_over_the_parts()
    {
        // The lookup probes some parts at a smaller radius than others; every split of the distance over
        // the five parts (bits 0–12, 13–25, 26–38, 39–51, 52–63: the pigeonhole's boundary cases) must
        // still be found, and one bit more must not.
        int[] shift = [0, 13, 26, 39, 52];
        int[] width = [13, 13, 13, 13, 12];
        for (var maxDistance = 0; maxDistance <= FingerprintIndex.MaxDistance; maxDistance++)
        {
            foreach (var split in SplitsOf(maxDistance, width))
            {
                var index = new FingerprintIndex();
                var fingerprint = 0UL;
                for (var part = 0; part < 5; part++)
                {
                    fingerprint |= ((1UL << split[part]) - 1) << shift[part];
                }

                index.Add(fingerprint);

                index.Find(0, maxDistance).Should().Equal([(fingerprint, maxDistance)], $"bits {string.Join('+', split)} are within {maxDistance}");
                if (maxDistance > 0)
                {
                    index.Find(0, maxDistance - 1).Should().BeEmpty();
                }
            }
        }
    }

    [Fact]
    public void Found_fingerprints_come_nearest_first_with_their_distance()
    {
        var index = new FingerprintIndex();
        index.Add(0b1111);
        index.Add(0b1);
        index.Add(0);

        index.Find(0, 4).Should().Equal((0UL, 0), (1UL, 1), (15UL, 4));
    }

    [Fact]
    public void Of_two_near_copies_looked_up_and_added_in_one_step_the_second_finds_the_first()
    {
        var index = new FingerprintIndex();

        index.FindThenAdd(0xF0F0, 12).Should().BeEmpty();
        index.FindThenAdd(0xF0F1, 12).Should().Equal((0xF0F0UL, 1));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(17)]
    public void A_distance_outside_0_to_16_is_refused(int maxDistance)
    {
        var lookup = () => new FingerprintIndex().Find(0, maxDistance);

        lookup.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static IEnumerable<int[]> SplitsOf(int distance, int[] width) =>
        from a in Enumerable.Range(0, distance + 1)
        from b in Enumerable.Range(0, distance - a + 1)
        from c in Enumerable.Range(0, distance - a - b + 1)
        from d in Enumerable.Range(0, distance - a - b - c + 1)
        let e = distance - a - b - c - d
        let split = new[] { a, b, c, d, e }
        where split.Select((bits, part) => bits <= width[part]).All(fits => fits)
        select split;

    private static ulong FlipBits(ulong value, int bits, Random random)
    {
        var flipped = value;
        foreach (var bit in Enumerable.Range(0, 64).OrderBy(_ => random.Next()).Take(bits))
        {
            flipped ^= 1UL << bit;
        }

        return flipped;
    }
}
