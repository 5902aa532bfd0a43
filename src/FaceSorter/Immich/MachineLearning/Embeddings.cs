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
}
