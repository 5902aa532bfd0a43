using System.Numerics;

namespace FaceSorter.NearDuplicates;

/// <summary>
/// Multi-index hashing (Norouzi, Punjani and Fleet, "Fast search in Hamming space with multi-index
/// hashing", CVPR 2012) over 64-bit fingerprints: each fingerprint is filed under each of its five parts
/// (bits 0–12, 13–25, 26–38, 39–51 and 52–63). Two fingerprints within distance <c>r</c> are close in at
/// least one part (pigeonhole, <see cref="RadiusOf"/>), so a lookup visits only the buckets that close to
/// the query's parts and compares the fingerprints in them. At 1,000,000 fingerprints a lookup at distance
/// 12 visits 304 buckets and takes about 170 µs of CPU; the index holds 55 MiB (README.md,
/// "Near duplicates"). Entries are never removed: a fingerprint whose content is gone is simply not found
/// in the store. Thread-safe.
/// </summary>
public sealed class FingerprintIndex
{
    // Five parts, not four 16-bit quarters: at the default 12 a lookup then probes 304 buckets instead of
    // 1,108 (each a cache miss or two) and compares about 37,000 fingerprints in sequential sweeps instead
    // of 17,000; measured at 1,000,000, 161 µs instead of 231 (README.md, benchmark table).
    private static readonly int[] PartBits = [13, 13, 13, 13, 12];
    private static readonly int[] PartShift = [0, 13, 26, 39, 52];

    /// <summary>The largest distance a lookup may ask for (a larger one visits too many buckets to stay fast).</summary>
    public const int MaxDistance = 16;

    private readonly Lock _gate = new();
    // The fingerprints themselves, not ids, sit in the buckets: a bucket is read in one sequential sweep.
    private readonly ulong[][][] _buckets = [.. PartBits.Select(bits => new ulong[1 << bits][])];
    private readonly int[][] _counts = [.. PartBits.Select(bits => new int[1 << bits])];
    private int _count;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public void Add(ulong fingerprint)
    {
        lock (_gate)
        {
            AddLocked(fingerprint);
        }
    }

    /// <summary>The indexed fingerprints within <paramref name="maxDistance"/> bits of <paramref name="query"/>, nearest first (each value once).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDistance"/> is outside 0–<see cref="MaxDistance"/>.</exception>
    public IReadOnlyList<(ulong Fingerprint, int Distance)> Find(ulong query, int maxDistance)
    {
        lock (_gate)
        {
            return FindLocked(query, maxDistance);
        }
    }

    /// <summary>
    /// <see cref="Find"/>, then <see cref="Add"/> of <paramref name="fingerprint"/>, as one step: of two
    /// near copies looked up at once, the second finds the first.
    /// </summary>
    public IReadOnlyList<(ulong Fingerprint, int Distance)> FindThenAdd(ulong fingerprint, int maxDistance)
    {
        lock (_gate)
        {
            var found = FindLocked(fingerprint, maxDistance);
            AddLocked(fingerprint);
            return found;
        }
    }

    /// <summary>
    /// How far from the query's <paramref name="part"/> a lookup within <paramref name="maxDistance"/> must
    /// look (Norouzi et al. §3.1), or -1 for not at all. With maxDistance = 5s + a, a fingerprint within it
    /// is within s bits in one of the first a + 1 parts or within s - 1 bits in one of the others: otherwise
    /// the parts would differ in at least (a + 1)(s + 1) + (4 - a)s = maxDistance + 1 bits.
    /// </summary>
    private static int RadiusOf(int part, int maxDistance)
    {
        var (radius, wider) = Math.DivRem(maxDistance, PartBits.Length);
        return part <= wider ? radius : radius - 1;
    }

    private void AddLocked(ulong fingerprint)
    {
        _count++;
        for (var part = 0; part < PartBits.Length; part++)
        {
            var key = PartOf(fingerprint, part);
            ref var bucket = ref _buckets[part][key];
            var count = _counts[part][key];
            if (bucket is null || count == bucket.Length)
            {
                Array.Resize(ref bucket, Math.Max(4, count * 2));
            }

            bucket[count] = fingerprint;
            _counts[part][key] = count + 1;
        }
    }

    private List<(ulong Fingerprint, int Distance)> FindLocked(ulong query, int maxDistance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDistance, MaxDistance);
        var found = new List<(ulong Fingerprint, int Distance)>();
        for (var part = 0; part < PartBits.Length; part++)
        {
            var radius = RadiusOf(part, maxDistance);
            if (radius < 0)
            {
                continue;
            }

            var key = PartOf(query, part);
            var buckets = _buckets[part];
            var counts = _counts[part];
            foreach (var mask in MasksWithin[PartBits[part]][radius])
            {
                var probe = key ^ mask;
                var bucket = buckets[probe];
                for (var i = counts[probe] - 1; i >= 0; i--)
                {
                    var candidate = bucket[i];
                    var distance = BitOperations.PopCount(candidate ^ query);
                    if (distance <= maxDistance)
                    {
                        found.Add((candidate, distance));
                    }
                }
            }
        }

        // A fingerprint close in several parts is found once per part, and equal ones once each.
        return [.. found.Distinct().OrderBy(pair => pair.Distance).ThenBy(pair => pair.Fingerprint)];
    }

    /// <summary>For each part width (12 or 13 bits) and radius 0–4: every mask of that width with at most that many bits, fewest first.</summary>
    private static readonly Dictionary<int, int[][]> MasksWithin = PartBits.Distinct().ToDictionary(bits => bits, bits =>
        Enumerable.Range(0, (MaxDistance / PartBits.Length) + 1)
            .Select(radius => Enumerable.Range(0, 1 << bits).Where(mask => BitOperations.PopCount((uint)mask) <= radius).OrderBy(mask => BitOperations.PopCount((uint)mask)).ToArray())
            .ToArray());

    private static int PartOf(ulong fingerprint, int part) => (int)((fingerprint >> PartShift[part]) & ((1UL << PartBits[part]) - 1));
}
