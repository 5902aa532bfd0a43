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
/// Speed (docs/matching.md, "Matching"): one pass over the 8-bit codes (8-bit rows × 16-bit query,
/// summed exactly in 32-bit integers, 256 bits at a time, split across the cores for big galleries)
/// gives each row an approximate similarity and a proven bound of its error. Only rows whose upper
/// bound reaches the second-best person's lower bound can be the nearest face of the best or the
/// runner-up person; those few are re-ranked with the exact float32 vectors in row order, exactly as
/// a full exact scan would, so the result is identical to it.
/// </para>
/// </remarks>
public static class Matcher
{
    private const int Decimals = 6;

    /// <summary>Rows per parallel part; galleries smaller than two parts are scanned on one core.</summary>
    private const int RowsPerPart = 8192;

    /// <summary>Slack for the double arithmetic of the scan and of <see cref="Embeddings.Similarity"/> (each ~1e-13).</summary>
    private const double Slack = 1e-9;

    /// <summary>The match for a unit-length <paramref name="face"/>, or null when no named person is near enough.</summary>
    public static FaceMatch? Match(GallerySnapshot gallery, ReadOnlySpan<float> face, MatchRules rules)
    {
        if (gallery.Count == 0)
        {
            return null;
        }

        CheckDimensions(gallery, face);
        var candidates = Candidates(gallery, face);

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
    /// The rows, in order, that can hold the nearest face of the best or the runner-up person. Row r's
    /// exact similarity s to the query x lies within a(r) ± b(r), where, with the row v = σ·q + e
    /// (8-bit codes q, ‖e‖ stored) and the query x = τ·p + f (16-bit codes p):
    /// v·x = στ(q·p) + σq·f + e·x, so |v·x − στ(q·p)| ≤ ‖e‖‖x‖ + (‖v‖ + ‖e‖)‖f‖.
    /// </summary>
    internal static List<int> Candidates(GallerySnapshot gallery, ReadOnlySpan<float> face)
    {
        var query = Query.Of(face);
        var parts = gallery.Count >= 2 * RowsPerPart && Environment.ProcessorCount > 1
            ? (gallery.Count + RowsPerPart - 1) / RowsPerPart
            : 1;
        var results = new Part[parts];
        if (parts == 1)
        {
            results[0] = Scan(gallery, query, 0, gallery.Count);
        }
        else
        {
            Parallel.For(0, parts, part =>
                results[part] = Scan(gallery, query, part * RowsPerPart, Math.Min(gallery.Count, (part + 1) * RowsPerPart)));
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

    /// <summary>One part of the scan: rows [<paramref name="start"/>, <paramref name="end"/>).</summary>
    private static Part Scan(GallerySnapshot gallery, Query query, int start, int end)
    {
        var dimensions = gallery.Dimensions;
        var codes = gallery.Codes;
        var scales = gallery.Scales;
        var errors = gallery.Errors;
        var rows = gallery.RowPerson;
        var best = double.NegativeInfinity;
        var second = double.NegativeInfinity;
        int bestPerson = -1, secondPerson = -1;
        var candidates = new List<(int Row, double Upper)>();
        for (var row = start; row < end; row++)
        {
            var approximate = scales[row] * query.Scale * Dot(codes.Slice(row * dimensions, dimensions), query.Codes);
            var error = errors[row];
            var bound = (error * query.Norm) + ((1 + 1e-6 + error) * query.Error) + Slack;
            var upper = approximate + bound;
            if (upper < second)
            {
                continue;
            }

            var person = rows[row];
            if (person == bestPerson && upper < best)
            {
                continue;
            }

            candidates.Add((row, upper));
            Keep(ref best, ref bestPerson, ref second, ref secondPerson, approximate - bound, person);
        }

        return new Part(best, bestPerson, second, secondPerson, candidates);
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

    private sealed record Part(double Best, int BestPerson, double Second, int SecondPerson, List<(int Row, double Upper)> Candidates);

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
}
