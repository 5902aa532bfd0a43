using System.Numerics.Tensors;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>ArcFace embeddings are not normalised (docs/immich-facts.md, "ML request and response"); cosine distance works on unit vectors.</summary>
public static class Embeddings
{
    /// <summary>Writes <paramref name="source"/> scaled to length 1; false when it has no direction or is not finite.</summary>
    public static bool TryNormalize(ReadOnlySpan<float> source, Span<float> destination)
    {
        var norm = TensorPrimitives.Norm(source);
        if (!float.IsFinite(norm) || norm <= 1e-12f)
        {
            return false;
        }

        TensorPrimitives.Divide(source, norm, destination);
        return true;
    }

    /// <summary>
    /// The dot product of two float32 vectors of the same length (their cosine similarity when both
    /// are unit vectors), summed in double in a fixed order: every product of two floats is exact in
    /// double, so the result is the exact dot product to about 1e-13, the same on every machine and
    /// for every memory alignment. This is the similarity the match rule is defined on.
    /// </summary>
    public static double Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Vectors of {a.Length} and {b.Length} dimensions.", nameof(b));
        }

        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var i = 0;
        for (; i + 4 <= a.Length; i += 4)
        {
            s0 += (double)a[i] * b[i];
            s1 += (double)a[i + 1] * b[i + 1];
            s2 += (double)a[i + 2] * b[i + 2];
            s3 += (double)a[i + 3] * b[i + 3];
        }

        for (; i < a.Length; i++)
        {
            s0 += (double)a[i] * b[i];
        }

        return (s0 + s1) + (s2 + s3);
    }
}
