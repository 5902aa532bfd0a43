namespace FaceSorter.Immich.MachineLearning;

/// <param name="MaxDistance">A face matches a person when its nearest face of that person is at most this cosine distance away (inclusive).</param>
/// <param name="MinMargin">The match is ambiguous when another person's nearest face is at most this much farther than the best (inclusive).</param>
public sealed record MatchRules(double MaxDistance, double MinMargin);
