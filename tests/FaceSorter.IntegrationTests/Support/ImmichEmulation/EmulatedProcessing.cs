namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// How long the emulated face jobs take, counted in <c>GET /faces?id=</c> reads of the asset (no
/// clock, so tests stay deterministic). Before <see cref="DetectAfterFaceReads"/> reads the asset has
/// no faces and <c>faceDetection</c> is active; before <see cref="NameAfterFaceReads"/> its faces have
/// <c>person: null</c> and <c>facialRecognition</c> is waiting; then the scripted faces appear and the
/// queues are idle (docs/immich-facts.md, "When an answer is final").
/// </summary>
public sealed record EmulatedProcessing(int DetectAfterFaceReads, int NameAfterFaceReads)
{
    public static readonly EmulatedProcessing Instant = new(0, 0);

    /// <summary>Real time from the upload before the faces are detected (as well as the reads); for benchmarks, not tests.</summary>
    public TimeSpan DetectAfter { get; init; }

    /// <summary>Real time from the upload before the faces are named (as well as the reads); for benchmarks, not tests.</summary>
    public TimeSpan NameAfter { get; init; }

    /// <summary>Jobs that take real time, whatever the reads: detection after half of <paramref name="jobs"/>, naming after all of it.</summary>
    public static EmulatedProcessing Taking(TimeSpan jobs) => Instant with { DetectAfter = jobs / 2, NameAfter = jobs };
}
