using FaceSorter.Decisions;
using FaceSorter.Immich;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>A face the <see cref="MachineLearningEmulator"/> reports.</summary>
public sealed record MachineLearningEmulatorFace(float[] Embedding, double Score = 0.9, FaceBox? Box = null);
