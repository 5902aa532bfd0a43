using FaceSorter.Decisions;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>One face the ML service found.</summary>
/// <param name="Embedding">The raw (not normalised) ArcFace embedding.</param>
/// <param name="Score">The detector's confidence that this is a face.</param>
public sealed record DetectedFace(FaceBox Box, float[] Embedding, double Score);
