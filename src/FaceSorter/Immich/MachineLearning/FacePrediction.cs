namespace FaceSorter.Immich.MachineLearning;

/// <summary>What the ML service's <c>/predict</c> said about one image.</summary>
public abstract record FacePrediction
{
    private FacePrediction()
    {
    }

    /// <summary>The image was read; <paramref name="Faces"/> may be empty.</summary>
    public sealed record Detected(IReadOnlyList<DetectedFace> Faces, int ImageWidth, int ImageHeight) : FacePrediction;

    /// <summary>The service says it cannot read the image.</summary>
    public sealed record Unreadable(string Reason) : FacePrediction;

    /// <summary>
    /// A 500 that does not say why: Immich's ML service answers so both when a model fails to load
    /// and when Pillow cannot decode the image (an unhandled exception in FastAPI).
    /// </summary>
    public sealed record ServerError(string Reason) : FacePrediction;
}
