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
}
