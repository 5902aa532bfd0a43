using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// The match rule, a pure function over a <see cref="GallerySnapshot"/>: the person is the one whose
/// nearest face is nearest, if that is within <see cref="MatchRules.MaxDistance"/>; confidence is
/// 1 − that distance; another person whose nearest face is within <see cref="MatchRules.MinMargin"/>
/// of it is the runner-up (ambiguous match). MinScore and MinFaceAreaRatio are applied elsewhere.
/// </summary>
/// <remarks>
/// <para>
/// The rule is defined on the exact similarity of the float32 unit vectors
/// (<see cref="Embeddings.Similarity"/>), rounded to 6 places before comparing, so a face at exactly
/// MaxDistance matches and boundaries in tests and settings mean what they say.
/// </para>
/// <para>
/// Speed (docs/matching.md, "Matching"): a pass over 2-bit codes (128 bytes a 512-d face), then,
/// for the rows it keeps, one over 8-bit codes, both summed exactly in integers with AVX2 and split
/// across the cores for big galleries, give each row an approximate similarity and a proven bound
/// of its error. A row is dropped only when its upper bound shows it can change neither the match
/// nor the runner-up (below 1 − MaxDistance − MinMargin, or below the second-best person's lower
/// bound); the few left are re-ranked with the exact float32 vectors in row order, exactly as a
/// full exact scan would, so the result is identical to it.
/// </para>
/// </remarks>
public static class Matcher
{
    private const int Decimals = 6;

    /// <summary>
    /// Rows per block that the two cores take in turn (512 KB of 2-bit codes, within a core's L2);
    /// galleries smaller than two blocks are scanned on the calling thread alone.
    /// </summary>
    internal const int RowsPerBlock = 4096;

    /// <summary>Slack for the double arithmetic of the scan and of <see cref="Embeddings.Similarity"/> (each ~1e-13).</summary>
    private const double Slack = 1e-9;

    /// <summary>The match for a unit-length <paramref name="face"/>, or null when no named person is near enough.</summary>
    public static FaceMatch? Match(GallerySnapshot gallery, ReadOnlySpan<float> face, MatchRules rules) =>
        Match(gallery, face, rules, bothCores: true);

    /// <summary><see cref="Match(GallerySnapshot, ReadOnlySpan{float}, MatchRules)"/>, on the calling thread only when <paramref name="bothCores"/> is false.</summary>
    internal static FaceMatch? Match(GallerySnapshot gallery, ReadOnlySpan<float> face, MatchRules rules, bool bothCores)
    {
        if (gallery.Count == 0)
        {
            return null;
        }

        CheckDimensions(gallery, face);
        var candidates = Candidates(gallery, face, rules, bothCores);

        // The exact scan, over the candidates only: the best similarity of the two best *different*
        // people, the top person and the runner-up, in row order (ties go to the earlier row).
        var best = double.NegativeInfinity;
        var second = double.NegativeInfinity;
        int bestPerson = -1, secondPerson = -1;
        var rows = gallery.RowPerson;
        var vector = new float[gallery.Dimensions];
        foreach (var row in candidates)
        {
            gallery.ReadExact(row, vector);
            var similarity = Embeddings.Similarity(vector, face);
            Keep(ref best, ref bestPerson, ref second, ref secondPerson, similarity, rows[row]);
        }

        var distance = Distance(best);
        if (distance > rules.MaxDistance)
        {
            return null;
        }

        var people = gallery.People;
        if (secondPerson >= 0 && Distance(second) - distance <= rules.MinMargin + 1e-9)
        {
            return new FaceMatch(people[bestPerson], distance, people[secondPerson], Distance(second));
        }

        return new FaceMatch(people[bestPerson], distance, null, null);
    }

    /// <summary>
    /// The cosine distance from a unit-length <paramref name="face"/> to the nearest face of the
    /// person with sanitised name <paramref name="personKey"/>, leaving out <paramref name="excludeFaceId"/>
    /// (the face itself, when it is already stored); null when that person has no other face.
    /// </summary>
    public static double? DistanceToPerson(GallerySnapshot gallery, ReadOnlySpan<float> face, string personKey, Guid? excludeFaceId = null)
    {
        var person = gallery.FindPerson(personKey);
        if (person < 0)
        {
            return null;
        }

        CheckDimensions(gallery, face);
        var best = double.NegativeInfinity;
        var vector = new float[gallery.Dimensions];
        for (var row = 0; row < gallery.Count; row++)
        {
            if (gallery.RowPerson[row] == person && gallery.RowFace[row] != excludeFaceId)
            {
                gallery.ReadExact(row, vector);
                best = Math.Max(best, Embeddings.Similarity(vector, face));
            }
        }

        return double.IsNegativeInfinity(best) ? null : Distance(best);
    }

    /// <summary>
    /// The rows, in order, that can hold the nearest face of the best or the runner-up person, when
    /// that can change the match under <paramref name="rules"/>. Each row's exact similarity s to the
    /// query lies within a(r) ± b(r), first from the 2-bit codes, then, for the few rows that pass,
    /// from the 8-bit codes: with the row v = σ·q + e (codes q, ‖e‖ stored) and the query
    /// x = τ·p + f (codes p, ‖f‖ known), v·x = στ(q·p) + σq·f + e·x, so
    /// |v·x − στ(q·p)| ≤ ‖e‖‖x‖ + (‖v‖ + ‖e‖)‖f‖.
    /// </summary>
    internal static List<int> Candidates(GallerySnapshot gallery, ReadOnlySpan<float> face, MatchRules rules, bool bothCores = true, Action<ScanJob<Part>>? beforeFinish = null)
    {
        var query = Query.Of(face);
        var coarseQuery = CoarseQuery.Of(face, gallery.Coarse.BytesPerRow);

        // A row below this can neither be a match (its distance is beyond MaxDistance) nor a runner-up
        // (it is more than MinMargin beyond any match), whatever the other rows hold; 1e-5 covers
        // the rounding to 6 places on both sides.
        var floor = 1 - rules.MaxDistance - rules.MinMargin - 1e-5;
        var count = gallery.Count;
        Part[] results;
        if (count < 2 * RowsPerBlock || !(bothCores || beforeFinish is not null))
        {
            results = [Scan(gallery, query, coarseQuery, floor, 0, count)];
        }
        else
        {
            var job = new ScanJob<Part>(
                (count + RowsPerBlock - 1) / RowsPerBlock,
                block => Scan(gallery, query, coarseQuery, floor, block * RowsPerBlock, Math.Min(count, (block + 1) * RowsPerBlock)));
            Action help = job.Help;
            var offered = bothCores && ScanHelper.Available && ScanHelper.Offer(help);
            beforeFinish?.Invoke(job);
            results = job.Finish();
            if (offered)
            {
                ScanHelper.Withdraw(help);
            }
        }

        // The two best people by lower bound over all parts: each part's best two include them.
        var best = double.NegativeInfinity;
        var second = double.NegativeInfinity;
        int bestPerson = -1, secondPerson = -1;
        foreach (var result in results)
        {
            Keep(ref best, ref bestPerson, ref second, ref secondPerson, result.Best, result.BestPerson);
            Keep(ref best, ref bestPerson, ref second, ref secondPerson, result.Second, result.SecondPerson);
        }

        var rows = gallery.RowPerson;
        var candidates = new List<int>();
        foreach (var result in results)
        {
            foreach (var (row, upper) in result.Candidates)
            {
                // At least two people have an exact best ≥ second, so a row below it is nobody's
                // nearest face among the two best; a row below its own person's lower bound is not
                // that person's nearest face.
                var person = rows[row];
                if (upper >= second && !(person == bestPerson && upper < best) && !(person == secondPerson && upper < second))
                {
                    candidates.Add(row);
                }
            }
        }

        return candidates;
    }

    /// <summary>
    /// One part of the scan: rows [<paramref name="start"/>, <paramref name="end"/>). A row is dropped
    /// as soon as an upper bound of its similarity is below <paramref name="floor"/>, below the
    /// second-best person's lower bound so far, or below its own person's; the 2-bit bound (about
    /// ±0.35) drops most rows of other people, the 8-bit one (about ±0.005) nearly all the rest.
    /// </summary>
    private static Part Scan(GallerySnapshot gallery, Query query, CoarseQuery coarseQuery, double floor, int start, int end)
    {
        var dimensions = gallery.Dimensions;
        var codes = gallery.Codes;
        var scales = gallery.Scales;
        var errors = gallery.Errors;
        var coarse = gallery.Coarse;
        var coarseCodes = coarse.Codes;
        var coarseSteps = coarse.Steps;
        var coarseErrors = coarse.Errors;
        var bytesPerRow = coarse.BytesPerRow;
        var avx2 = Avx2.IsSupported && coarseQuery.Codes.Length >= bytesPerRow * 4;
        ref var coarseStart = ref MemoryMarshal.GetReference(coarseCodes);
        ref var queryStart = ref MemoryMarshal.GetArrayDataReference(coarseQuery.Codes);
        var rows = gallery.RowPerson;
        var best = double.NegativeInfinity;
        var second = double.NegativeInfinity;
        int bestPerson = -1, secondPerson = -1;
        var candidates = new List<(int Row, double Upper)>();

        // For 512 dimensions with AVX2, four rows at a time get their 2-bit upper bounds together
        // (the same double arithmetic, lane by lane) against the threshold at the start of the four;
        // a row whose bit is clear is below that threshold, so below the current one too, and the
        // rest go through the one-row test below exactly as before.
        var batched = avx2 && bytesPerRow == 128;
        ref var stepStart = ref MemoryMarshal.GetReference(coarseSteps);
        ref var errorStart = ref MemoryMarshal.GetReference(coarseErrors);
        var batchEnd = start;
        var kept = 0;
        for (var row = start; row < end; row++)
        {
            var threshold = Math.Max(floor, second);
            if (batched)
            {
                if (row >= batchEnd)
                {
                    if (row + 4 <= end)
                    {
                        kept = CoarseKeep4(ref Unsafe.Add(ref coarseStart, row * 128), ref queryStart, ref Unsafe.Add(ref stepStart, row), ref Unsafe.Add(ref errorStart, row), coarseQuery, threshold);
                        batchEnd = row + 4;
                    }
                    else
                    {
                        kept = -1;
                        batchEnd = end;
                    }
                }

                if ((kept & (1 << (row - batchEnd + 4))) == 0)
                {
                    continue;
                }
            }

            var coarseError = coarseErrors[row];
            var product = avx2
                ? CoarseProductAvx2(ref Unsafe.Add(ref coarseStart, row * bytesPerRow), bytesPerRow, ref queryStart)
                : CoarseProductScalar(coarseCodes.Slice(row * bytesPerRow, bytesPerRow), coarseQuery.Codes);
            var coarseUpper = (coarseSteps[row] * coarseQuery.Scale * (product - coarseQuery.HalfSum)) + CoarseBound(coarseError, coarseQuery);
            if (coarseUpper < threshold)
            {
                continue;
            }

            var person = rows[row];
            if (person == bestPerson && coarseUpper < best)
            {
                continue;
            }

            var approximate = scales[row] * query.Scale * Dot(codes.Slice(row * dimensions, dimensions), query.Codes);
            var error = errors[row];
            var bound = (error * query.Norm) + ((1 + 1e-6 + error) * query.Error) + Slack;
            var upper = approximate + bound;
            if (upper < threshold || (person == bestPerson && upper < best))
            {
                continue;
            }

            candidates.Add((row, upper));
            Keep(ref best, ref bestPerson, ref second, ref secondPerson, approximate - bound, person);
        }

        return new Part(best, bestPerson, second, secondPerson, candidates);
    }

    /// <summary>
    /// Row <paramref name="row"/>'s similarity to <paramref name="face"/> as the 2-bit pass sees it:
    /// the exact one lies within Approximate ± Bound.
    /// </summary>
    internal static (double Approximate, double Bound) CoarseEstimate(GallerySnapshot gallery, int row, ReadOnlySpan<float> face)
    {
        var coarse = gallery.Coarse;
        var query = CoarseQuery.Of(face, coarse.BytesPerRow);
        var product = CoarseProduct(coarse.Codes.Slice(row * coarse.BytesPerRow, coarse.BytesPerRow), query.Codes);
        return (coarse.Steps[row] * query.Scale * (product - query.HalfSum), CoarseBound(coarse.Errors[row], query));
    }

    /// <summary>
    /// The four-row test of the 2-bit pass for rows <paramref name="row"/> … + 3 of a 512-d gallery on
    /// an AVX2 machine: bit i set when that row's upper bound (<see cref="CoarseEstimate"/>) is at or above <paramref name="threshold"/>.
    /// </summary>
    internal static int CoarseKeep4(GallerySnapshot gallery, int row, ReadOnlySpan<float> face, double threshold)
    {
        var coarse = gallery.Coarse;
        if (!Avx2.IsSupported || coarse.BytesPerRow != 128 || row + 4 > gallery.Count)
        {
            throw new InvalidOperationException("The four-row test needs AVX2, 512 dimensions and four rows.");
        }

        var query = CoarseQuery.Of(face, coarse.BytesPerRow);
        return CoarseKeep4(
            ref Unsafe.AsRef(in coarse.Codes[row * 128]),
            ref MemoryMarshal.GetArrayDataReference(query.Codes),
            ref Unsafe.AsRef(in coarse.Steps[row]),
            ref Unsafe.AsRef(in coarse.Errors[row]),
            query,
            threshold);
    }

    /// <summary>‖e‖‖x‖ + (‖v‖ + ‖e‖)‖f‖ for the 2-bit pass, with ‖v‖ ≤ 1 + 1e-6.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double CoarseBound(float error, CoarseQuery query) =>
        (error * query.Norm) + ((1 + 1e-6 + error) * query.Error) + Slack;

    /// <summary>Σ c[i]·p[i] for the packed 2-bit codes c (<see cref="GalleryBuilder.QuantizeCoarse"/>) and 8-bit p padded to 128 a block.</summary>
    internal static int CoarseProduct(ReadOnlySpan<byte> packed, ReadOnlySpan<sbyte> codes)
    {
        if (!Avx2.IsSupported)
        {
            return CoarseProductScalar(packed, codes);
        }

        if (codes.Length < packed.Length * 4)
        {
            throw new ArgumentException("The query codes are shorter than the row's dimensions.", nameof(codes));
        }

        return CoarseProductAvx2(ref MemoryMarshal.GetReference(packed), packed.Length, ref MemoryMarshal.GetReference(codes));
    }

    /// <summary>
    /// <see cref="CoarseProduct"/> with AVX2: per 32 bytes (128 dimensions) one shift by 4 and four
    /// masks give c0, 4·c1, c2 and 4·c3 as bytes, each multiplied by 32 query codes and summed in
    /// pairs (<c>vpmaddubsw</c>, at most 2 × 12 × 127 = 3,048, no saturation). A 16-bit lane takes
    /// at most 8 such sums before it is widened (24,384 &lt; 32,767); the 4·c sums are divided by 4
    /// at the end, exactly (every term is a multiple of 4).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CoarseProductAvx2(ref byte row, int bytes, ref sbyte query)
    {
        if (bytes == 128)
        {
            return CoarseProduct512(ref row, ref query);
        }

        return CoarseProductBlocks(ref row, bytes, ref query);
    }

    /// <summary>
    /// Bit i set when row i of the four at <paramref name="row"/> has a 2-bit upper bound at or above
    /// <paramref name="threshold"/>: <see cref="CoarseProduct512"/> for four rows, summed across with
    /// <c>vphaddd</c> (integers, exact), then the bound of <see cref="Scan"/> in the same double
    /// operations in the same order, four lanes at once (no fused multiply-add, so each lane rounds
    /// as the one-row code does).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CoarseKeep4(ref byte row, ref sbyte query, ref float steps, ref float errors, CoarseQuery coarseQuery, double threshold)
    {
        var h01 = Avx2.HorizontalAdd(CoarseSum512(ref row, ref query), CoarseSum512(ref Unsafe.Add(ref row, 128), ref query));
        var h23 = Avx2.HorizontalAdd(CoarseSum512(ref Unsafe.Add(ref row, 256), ref query), CoarseSum512(ref Unsafe.Add(ref row, 384), ref query));
        var h = Avx2.HorizontalAdd(h01, h23);
        var products = Avx.ConvertToVector256Double(Vector128.ShiftRightArithmetic(h.GetLower() + h.GetUpper(), 2));
        var step = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref steps));
        var error = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref errors));
        var estimate = step * Vector256.Create(coarseQuery.Scale) * (products - Vector256.Create(coarseQuery.HalfSum));
        var bound = (error * Vector256.Create(coarseQuery.Norm)) + ((Vector256.Create(1 + 1e-6) + error) * Vector256.Create(coarseQuery.Error)) + Vector256.Create(Slack);
        return (int)Vector256.GreaterThanOrEqual(estimate + bound, Vector256.Create(threshold)).ExtractMostSignificantBits();
    }

    /// <summary><see cref="CoarseProductAvx2"/> for 512 dimensions (ArcFace's), unrolled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CoarseProduct512(ref byte row, ref sbyte query)
    {
        var sum = CoarseSum512(ref row, ref query);
        var half = sum.GetLower() + sum.GetUpper();
        half += Sse2.Shuffle(half, 0b01_00_11_10);
        half += Sse2.Shuffle(half, 0b10_11_00_01);
        return half.ToScalar() >> 2;
    }

    /// <summary>Eight 32-bit lanes that sum to 4 × <see cref="CoarseProduct512"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> CoarseSum512(ref byte row, ref sbyte query)
    {
        var low = Vector256.Create((byte)0x03);
        var high = Vector256.Create((byte)0x0C);
        var c0 = Vector256.LoadUnsafe(ref row);
        var c1 = Vector256.LoadUnsafe(ref row, 32);
        var c2 = Vector256.LoadUnsafe(ref row, 64);
        var c3 = Vector256.LoadUnsafe(ref row, 96);
        var s0 = Vector256.ShiftRightLogical(c0.AsUInt16(), 4).AsByte();
        var s1 = Vector256.ShiftRightLogical(c1.AsUInt16(), 4).AsByte();
        var s2 = Vector256.ShiftRightLogical(c2.AsUInt16(), 4).AsByte();
        var s3 = Vector256.ShiftRightLogical(c3.AsUInt16(), 4).AsByte();
        var plain0 = Avx2.MultiplyAddAdjacent(c0 & low, Vector256.LoadUnsafe(ref query, 0))
            + Avx2.MultiplyAddAdjacent(s0 & low, Vector256.LoadUnsafe(ref query, 64));
        var plain1 = Avx2.MultiplyAddAdjacent(c1 & low, Vector256.LoadUnsafe(ref query, 128))
            + Avx2.MultiplyAddAdjacent(s1 & low, Vector256.LoadUnsafe(ref query, 192));
        var plain2 = Avx2.MultiplyAddAdjacent(c2 & low, Vector256.LoadUnsafe(ref query, 256))
            + Avx2.MultiplyAddAdjacent(s2 & low, Vector256.LoadUnsafe(ref query, 320));
        var plain3 = Avx2.MultiplyAddAdjacent(c3 & low, Vector256.LoadUnsafe(ref query, 384))
            + Avx2.MultiplyAddAdjacent(s3 & low, Vector256.LoadUnsafe(ref query, 448));
        var times0 = Avx2.MultiplyAddAdjacent(c0 & high, Vector256.LoadUnsafe(ref query, 32))
            + Avx2.MultiplyAddAdjacent(s0 & high, Vector256.LoadUnsafe(ref query, 96));
        var times1 = Avx2.MultiplyAddAdjacent(c1 & high, Vector256.LoadUnsafe(ref query, 160))
            + Avx2.MultiplyAddAdjacent(s1 & high, Vector256.LoadUnsafe(ref query, 224));
        var times2 = Avx2.MultiplyAddAdjacent(c2 & high, Vector256.LoadUnsafe(ref query, 288))
            + Avx2.MultiplyAddAdjacent(s2 & high, Vector256.LoadUnsafe(ref query, 352));
        var times3 = Avx2.MultiplyAddAdjacent(c3 & high, Vector256.LoadUnsafe(ref query, 416))
            + Avx2.MultiplyAddAdjacent(s3 & high, Vector256.LoadUnsafe(ref query, 480));
        return Avx2.MultiplyAddAdjacent((plain0 + plain1) + (plain2 + plain3), Vector256.Create((short)4))
            + Avx2.MultiplyAddAdjacent((times0 + times1) + (times2 + times3), Vector256.Create((short)1));
    }

    /// <summary><see cref="CoarseProductAvx2"/> for any length, 128 dimensions a step.</summary>
    private static int CoarseProductBlocks(ref byte row, int bytes, ref sbyte query)
    {
        var low = Vector256.Create((byte)0x03);
        var high = Vector256.Create((byte)0x0C);
        var ones = Vector256.Create((short)1);
        var fours = Vector256.Create((short)4);
        var sum = Vector256<int>.Zero;
        for (var start = 0; start < bytes; start += 4 * 32)
        {
            var plain = Vector256<short>.Zero;
            var times4 = Vector256<short>.Zero;
            var end = Math.Min(bytes, start + (4 * 32));
            for (var b = start; b < end; b += 32)
            {
                var codes = Vector256.LoadUnsafe(ref row, (nuint)b);
                var shifted = Vector256.ShiftRightLogical(codes.AsUInt16(), 4).AsByte();
                var at = (nuint)(b * 4);
                plain += Avx2.MultiplyAddAdjacent(codes & low, Vector256.LoadUnsafe(ref query, at))
                    + Avx2.MultiplyAddAdjacent(shifted & low, Vector256.LoadUnsafe(ref query, at + 64));
                times4 += Avx2.MultiplyAddAdjacent(codes & high, Vector256.LoadUnsafe(ref query, at + 32))
                    + Avx2.MultiplyAddAdjacent(shifted & high, Vector256.LoadUnsafe(ref query, at + 96));
            }

            sum += Avx2.MultiplyAddAdjacent(plain, fours) + Avx2.MultiplyAddAdjacent(times4, ones);
        }

        return Vector256.Sum(sum) >> 2;
    }

    /// <summary><see cref="CoarseProduct"/> one dimension at a time, for machines without AVX2.</summary>
    internal static int CoarseProductScalar(ReadOnlySpan<byte> packed, ReadOnlySpan<sbyte> codes)
    {
        var total = 0;
        for (var i = 0; i < packed.Length * 4; i++)
        {
            var code = (packed[(i / 128 * 32) + (i % 32)] >> (2 * (i % 128 / 32))) & 3;
            total += code * codes[i];
        }

        return total;
    }

    /// <summary>Keeps the best value of the two best different people; an equal value does not replace an earlier one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Keep(ref double best, ref int bestPerson, ref double second, ref int secondPerson, double value, int person)
    {
        if (person < 0 || value <= second)
        {
            return;
        }

        if (person == bestPerson)
        {
            best = Math.Max(best, value);
        }
        else if (value > best)
        {
            (second, secondPerson) = (best, bestPerson);
            (best, bestPerson) = (value, person);
        }
        else
        {
            (second, secondPerson) = (value, person);
        }
    }

    /// <summary>Σ row[i]·query[i] in 32-bit integers: exact for up to <see cref="GalleryBuilder.MaxDimensions"/> terms of |127 × 32767|.</summary>
    private static int Dot(ReadOnlySpan<sbyte> row, ReadOnlySpan<short> query)
    {
        var i = 0;
        var sum = 0;
        if (Avx2.IsSupported && row.Length >= 32)
        {
            ref var r = ref MemoryMarshal.GetReference(row);
            ref var q = ref MemoryMarshal.GetReference(query);
            var acc0 = Vector256<int>.Zero;
            var acc1 = Vector256<int>.Zero;
            for (; i + 32 <= row.Length; i += 32)
            {
                var codes = Vector256.LoadUnsafe(ref r, (nuint)i);
                var (lower, upper) = Vector256.Widen(codes);
                acc0 += Avx2.MultiplyAddAdjacent(lower, Vector256.LoadUnsafe(ref q, (nuint)i));
                acc1 += Avx2.MultiplyAddAdjacent(upper, Vector256.LoadUnsafe(ref q, (nuint)(i + 16)));
            }

            sum = Vector256.Sum(acc0 + acc1);
        }
        else if (Vector128.IsHardwareAccelerated && row.Length >= 16)
        {
            ref var r = ref MemoryMarshal.GetReference(row);
            ref var q = ref MemoryMarshal.GetReference(query);
            var acc = Vector128<int>.Zero;
            for (; i + 16 <= row.Length; i += 16)
            {
                var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref r, (nuint)i));
                var q0 = Vector128.LoadUnsafe(ref q, (nuint)i);
                var q1 = Vector128.LoadUnsafe(ref q, (nuint)(i + 8));
                var (l0, l1) = Vector128.Widen(lower);
                var (u0, u1) = Vector128.Widen(upper);
                var (p0, p1) = Vector128.Widen(q0);
                var (p2, p3) = Vector128.Widen(q1);
                acc += (l0 * p0) + (l1 * p1) + (u0 * p2) + (u1 * p3);
            }

            sum = Vector128.Sum(acc);
        }

        for (; i < row.Length; i++)
        {
            sum += row[i] * query[i];
        }

        return sum;
    }

    private static double Distance(double similarity) => Math.Round(1 - Math.Round(similarity, Decimals), Decimals);

    private static void CheckDimensions(GallerySnapshot gallery, ReadOnlySpan<float> face)
    {
        if (face.Length != gallery.Dimensions)
        {
            throw new FaceServiceUnavailableException(
                $"The ML service returned {face.Length}-dimensional embeddings but Immich's faces have {gallery.Dimensions}; is FaceSorter:Immich:ModelName the model Immich uses?");
        }
    }

    internal sealed record Part(double Best, int BestPerson, double Second, int SecondPerson, List<(int Row, double Upper)> Candidates);

    /// <summary>The query as 16-bit codes: x = Scale·Codes + f, with ‖f‖ ≤ Error and ‖x‖ ≤ Norm.</summary>
    private sealed class Query
    {
        private Query(short[] codes, double scale, double error, double norm)
        {
            Codes = codes;
            Scale = scale;
            Error = error;
            Norm = norm;
        }

        public short[] Codes { get; }

        public double Scale { get; }

        public double Error { get; }

        public double Norm { get; }

        public static Query Of(ReadOnlySpan<float> face)
        {
            double max = 0, norm = 0;
            foreach (var value in face)
            {
                max = Math.Max(max, Math.Abs((double)value));
                norm += (double)value * value;
            }

            var scale = max / short.MaxValue;
            var codes = new short[face.Length];
            double error = 0;
            for (var i = 0; i < face.Length; i++)
            {
                var code = scale == 0 ? (short)0 : (short)Math.Clamp(Math.Round(face[i] / scale), -short.MaxValue, short.MaxValue);
                codes[i] = code;
                var left = face[i] - (scale * code);
                error += left * left;
            }

            return new Query(codes, scale, (Math.Sqrt(error) * (1 + 1e-9)) + 1e-15, (Math.Sqrt(norm) * (1 + 1e-9)) + 1e-15);
        }
    }

    /// <summary>
    /// The query as 8-bit codes for the 2-bit pass, padded with zeros to whole 128-dimension blocks:
    /// x = Scale·Codes + f, with ‖f‖ ≤ Error and ‖x‖ ≤ Norm.
    /// </summary>
    private sealed class CoarseQuery
    {
        private CoarseQuery(sbyte[] codes, int sum, double scale, double error, double norm)
        {
            Codes = codes;
            HalfSum = 1.5 * sum;
            Scale = scale;
            Error = error;
            Norm = norm;
        }

        public sbyte[] Codes { get; }

        /// <summary>1.5 Σ Codes: Σ (c − 1.5)·p = Σ c·p − HalfSum.</summary>
        public double HalfSum { get; }

        public double Scale { get; }

        public double Error { get; }

        public double Norm { get; }

        public static CoarseQuery Of(ReadOnlySpan<float> face, int bytesPerRow)
        {
            double max = 0, norm = 0;
            foreach (var value in face)
            {
                max = Math.Max(max, Math.Abs((double)value));
                norm += (double)value * value;
            }

            var scale = max / sbyte.MaxValue;
            var codes = new sbyte[Math.Max(bytesPerRow * 4, face.Length)];
            double error = 0;
            var sum = 0;
            for (var i = 0; i < face.Length; i++)
            {
                var code = scale == 0 ? (sbyte)0 : (sbyte)Math.Clamp(Math.Round(face[i] / scale), -sbyte.MaxValue, sbyte.MaxValue);
                codes[i] = code;
                sum += code;
                var left = face[i] - (scale * code);
                error += left * left;
            }

            return new CoarseQuery(codes, sum, scale, (Math.Sqrt(error) * (1 + 1e-9)) + 1e-15, (Math.Sqrt(norm) * (1 + 1e-9)) + 1e-15);
        }
    }
}
