namespace FaceSorter.Immich.MachineLearning;

/// <summary>The nearest named person of a face and, when the match is ambiguous, the next person.</summary>
/// <param name="Distance">Cosine distance to <paramref name="Person"/>'s nearest face (rounded to 6 places).</param>
public sealed record FaceMatch(GalleryPerson Person, double Distance, GalleryPerson? RunnerUp, double? RunnerUpDistance)
{
    public double Confidence => 1 - Distance;
}
