namespace FaceSorter.NearDuplicates;

/// <summary>
/// The DCT perceptual hash ("pHash", Zauner 2010): a 32×32 grayscale picture is transformed by a 2-D
/// DCT-II, and each of the 8×8 lowest frequencies after the constant one (rows and columns 1–8) gives
/// one bit: 1 when above their median. The low frequencies survive resizing, recompression, format
/// conversion, thin crops and small brightness changes; a shifted or different scene changes them.
/// </summary>
public static class PerceptualHash
{
    /// <summary>The side of the grayscale picture the hash is computed from, in pixels.</summary>
    public const int Side = 32;

    private const int Band = 8;

    /// <summary>
    /// Below this standard deviation of the grayscale values (0–255) a picture is featureless (one
    /// colour, or nearly): every such picture would get the same hash, so none is given.
    /// </summary>
    public const double MinContrast = 2.0;

    private static readonly double[,] Cosines = MakeCosines();

    /// <summary>The hash of <paramref name="gray"/>: <see cref="Side"/>×<see cref="Side"/> values (0–255) row by row; null when the picture is featureless.</summary>
    /// <exception cref="ArgumentException"><paramref name="gray"/> is not <see cref="Side"/>² values.</exception>
    public static ulong? Compute(ReadOnlySpan<double> gray)
    {
        if (gray.Length != Side * Side)
        {
            throw new ArgumentException($"expected {Side * Side} values, got {gray.Length}", nameof(gray));
        }

        if (StandardDeviation(gray) < MinContrast)
        {
            return null;
        }

        // Rows first, then columns, of the frequencies 1..8 only.
        var rows = new double[Side, Band];
        for (var y = 0; y < Side; y++)
        {
            for (var u = 0; u < Band; u++)
            {
                var sum = 0.0;
                for (var x = 0; x < Side; x++)
                {
                    sum += gray[(y * Side) + x] * Cosines[u + 1, x];
                }

                rows[y, u] = sum;
            }
        }

        Span<double> coefficients = stackalloc double[Band * Band];
        for (var v = 0; v < Band; v++)
        {
            for (var u = 0; u < Band; u++)
            {
                var sum = 0.0;
                for (var y = 0; y < Side; y++)
                {
                    sum += rows[y, u] * Cosines[v + 1, y];
                }

                coefficients[(v * Band) + u] = sum;
            }
        }

        var median = Median(coefficients);
        var hash = 0UL;
        for (var i = 0; i < coefficients.Length; i++)
        {
            if (coefficients[i] > median)
            {
                hash |= 1UL << i;
            }
        }

        return hash;
    }

    private static double[,] MakeCosines()
    {
        var table = new double[Band + 1, Side];
        for (var k = 0; k <= Band; k++)
        {
            for (var n = 0; n < Side; n++)
            {
                table[k, n] = Math.Cos(Math.PI / Side * (n + 0.5) * k);
            }
        }

        return table;
    }

    private static double Median(ReadOnlySpan<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double StandardDeviation(ReadOnlySpan<double> values)
    {
        var mean = 0.0;
        foreach (var value in values)
        {
            mean += value;
        }

        mean /= values.Length;
        var variance = 0.0;
        foreach (var value in values)
        {
            variance += (value - mean) * (value - mean);
        }

        return Math.Sqrt(variance / values.Length);
    }
}
