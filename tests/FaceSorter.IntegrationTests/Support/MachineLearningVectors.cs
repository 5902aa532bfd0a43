namespace FaceSorter.IntegrationTests.Support;

/// <summary>512-d embeddings at chosen cosine distances, built in double and stored as float (errors ~1e-7).</summary>
public sealed class MachineLearningVectors
{
    public const int Dimensions = 512;
    private readonly Random _random;

    public MachineLearningVectors(int seed = 4)
    {
        _random = new Random(seed);
    }

    /// <summary>A random direction; two of them are nearly orthogonal (cosine distance ≈ 1 ± 0.1).</summary>
    public float[] Random()
    {
        var vector = Gaussian();
        return Scale(vector, 1 / Norm(vector));
    }

    /// <summary>
    /// A vector at exactly cosine distance <paramref name="distance"/> from <paramref name="anchor"/>,
    /// in a random direction, scaled by <paramref name="length"/> (ArcFace output is not normalised).
    /// </summary>
    public float[] AtDistance(float[] anchor, double distance, double length = 1)
    {
        var a = anchor.Select(x => (double)x).ToArray();
        var aNorm = Norm(a);
        for (var i = 0; i < a.Length; i++)
        {
            a[i] /= aNorm;
        }

        // A random direction orthogonal to the anchor (one Gram-Schmidt step).
        var u = Gaussian();
        var along = u.Zip(a, (x, y) => x * y).Sum();
        for (var i = 0; i < u.Length; i++)
        {
            u[i] -= along * a[i];
        }

        var uNorm = Norm(u);
        var cos = 1 - distance;
        var sin = Math.Sqrt(Math.Max(0, 1 - (cos * cos)));
        var result = new double[a.Length];
        for (var i = 0; i < a.Length; i++)
        {
            result[i] = length * ((cos * a[i]) + (sin * u[i] / uNorm));
        }

        return Scale(result, 1);
    }

    private double[] Gaussian()
    {
        var vector = new double[Dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            // Box-Muller: directions uniform on the sphere need normally distributed components.
            vector[i] = Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
        }

        return vector;
    }

    private static double Norm(double[] vector) => Math.Sqrt(vector.Sum(x => x * x));

    private static float[] Scale(double[] vector, double factor) => vector.Select(x => (float)(x * factor)).ToArray();
}
