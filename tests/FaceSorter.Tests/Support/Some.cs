using FaceSorter.Decisions;
using FaceSorter.Immich;

namespace FaceSorter.Tests.Support;

/// <summary>Throwaway values for tests.</summary>
internal static class Some
{
    public static FaceBox Box(double size = 100) => new(0, 0, size, size);

    public static RecognizedFace Face(string? person = null, double? confidence = null, double size = 100, string? runnerUp = null) =>
        new(Box(size), person, confidence, runnerUp);
}
