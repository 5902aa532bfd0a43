using System.Globalization;
using FaceSorter.Decisions;
using FaceSorter.Immich.Api;
using FaceSorter.Options;
using Microsoft.Extensions.Logging;

namespace FaceSorter.Immich.Upload;

/// <summary>
/// Waits for Immich's final word on one asset's faces, then reads them (docs/immich-facts.md,
/// "When an answer is final"). <c>GET /faces?id=</c> first lists detected faces with
/// <c>person: null</c>; recognition assigns them later, or never (a face with too few neighbours
/// waits for the nightly run). There is no per-asset job status in the API, so an answer is final
/// only on this evidence:
/// <list type="bullet">
/// <item>every detected face has a person (named, hidden or an unnamed cluster): detection writes an
/// asset's faces at once and recognition assigns each face once, so nothing about them changes
/// any more, whatever else Immich is doing;</item>
/// <item>or, with readable job queues (an admin's key), the face queues and the queues upstream of
/// them are idle — nothing active, waiting, delayed or paused — and, when no face was found, the
/// next read agrees (the chain queues its next job only after completing the previous one).</item>
/// </list>
/// A paused queue never reads as idle: the file waits (<see cref="FaceServiceUnavailableException"/>,
/// so it stays in the drop folder and is retried, logged once as an outage with the queue's name).
/// Queues still busy at <c>FaceWaitTimeout</c> are the same: not final, so not decided.
/// Without an admin key the queues are unreadable (401/403) and nothing else tells "not detected
/// yet" from "no face": an answer with an unassigned face or no face is then decided only at
/// <c>FaceWaitTimeout</c>, which that key costs every such file (logged once, and in each note).
/// Polls wait a twentieth of the time already waited (<see cref="DelayAfter"/>: at least 50 ms, at
/// most 5 s) on the injected clock, so an answer is seen at most about 5% later than it became final.
/// </summary>
internal sealed class FaceJobWaiter(ImmichServerClient immich, TimeProvider clock, ImmichOptions options, ILogger logger)
{
    // Short at first so an idle Immich costs little latency (the second, confirming poll comes
    // 50 ms after the first); growing with the wait keeps a busy Immich from being polled hard.
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private const int DelayDivisor = 20;

    // 0 while the queues are readable (or not tried yet), 1 once a 401/403 said they are not: shared by all files, logged once.
    private int _queuesUnreadable;

    public bool QueuesUnreadable => Volatile.Read(ref _queuesUnreadable) == 1;

    /// <exception cref="FaceServiceUnavailableException">A face queue is paused, or Immich's face jobs are still running at <c>FaceWaitTimeout</c>: the answer is not final.</exception>
    public async Task<FaceCheck.Analyzed> WaitAsync(string assetId, ImmichServerVersion version, CancellationToken cancellationToken)
    {
        var timeout = options.FaceWaitTimeout;
        var started = clock.GetTimestamp();
        string? previous = null;
        for (var polls = 1; ; polls++)
        {
            // The queues and the faces at once: faces that all have a person are final whatever the
            // queues say, so an idle Immich answers in one round trip. Idle queues vouch only for faces
            // read after them, so then the faces are read once more (docs/immich-facts.md, "When an
            // answer is final").
            var queuesRead = ReadQueuesAsync(version, cancellationToken);
            var facesRead = immich.GetFacesAsync(assetId, cancellationToken);
            await Task.WhenAll(queuesRead, facesRead);
            var queues = await queuesRead;
            var faces = await facesRead;
            var busy = queues?.Busy();
            if (!EveryFaceAssigned(faces) && queues is not null && busy is null)
            {
                faces = await immich.GetFacesAsync(assetId, cancellationToken);
            }

            var signature = Signature(faces);
            var unchanged = signature == previous;
            previous = signature;
            var elapsed = clock.GetElapsedTime(started);

            var everyFaceAssigned = EveryFaceAssigned(faces);
            var final = everyFaceAssigned || (queues is not null && busy is null && (faces.Count > 0 || unchanged));
            if (!final && queues is { Paused.Count: > 0 })
            {
                throw new FaceServiceUnavailableException(
                    $"Immich's {string.Join(" and ", queues.Paused)} job queue is paused (Administration → Jobs), so its answer for this file is not final; files wait in the drop folder until the queue is resumed");
            }

            if (!final && elapsed < timeout)
            {
                var left = timeout - elapsed;
                var delay = DelayAfter(elapsed);
                await Task.Delay(delay < left ? delay : left, clock, cancellationToken);
                continue;
            }

            if (!final && queues is not null)
            {
                logger.FaceWaitTimedOut(assetId, timeout, busy ?? "the faces were still changing");
                throw new FaceServiceUnavailableException(
                    $"Immich's face jobs for asset {assetId} were not finished after {timeout} ({busy ?? "the faces were still changing"}); the file waits in the drop folder and is tried again");
            }

            string? note = queues is not null
                ? null
                : final
                    ? "Immich's job queues are not readable with this API key (not an admin's): decided once every face had a person"
                    : $"Immich's job queues are not readable with this API key (not an admin's): decided after FaceWaitTimeout ({timeout}) on the faces seen so far";
            var recognized = faces.Select(ToRecognizedFace).ToList();
            logger.FacesRead(assetId, recognized.Count, recognized.Count(face => face.Person is not null), polls, elapsed);
            return new FaceCheck.Analyzed(recognized, assetId, note);
        }
    }

    /// <summary>
    /// The wait before the next poll after <paramref name="elapsed"/> of waiting: a twentieth of it,
    /// from 50 ms to 5 s. Doubling from 50 ms (the rule before) polled an asset whose jobs take 1 s
    /// at 0.75 s and then 1.55 s, so each file took half a second more than Immich needed; a
    /// twentieth sees it by about 1.05 s, at the cost of about 120 polls instead of 31 over a
    /// 2-minute wait (2 a second at 10 s, one every 3 s at a minute).
    /// </summary>
    internal static TimeSpan DelayAfter(TimeSpan elapsed) =>
        TimeSpan.FromTicks(Math.Clamp(elapsed.Ticks / DelayDivisor, FirstDelay.Ticks, MaxDelay.Ticks));

    /// <summary>The face queues, or null once they proved unreadable (not an admin's key).</summary>
    private async Task<FaceQueues?> ReadQueuesAsync(ImmichServerVersion version, CancellationToken cancellationToken)
    {
        if (QueuesUnreadable)
        {
            return null;
        }

        var queues = await immich.GetFaceQueuesAsync(version, cancellationToken);
        if (queues is null && Interlocked.Exchange(ref _queuesUnreadable, 1) == 0)
        {
            logger.QueuesNotReadable(options.FaceWaitTimeout);
        }

        return queues;
    }

    private static bool EveryFaceAssigned(List<AssetFaceDto> faces) => faces.Count > 0 && faces.All(face => face.Person is not null);

    /// <summary>A face counts as its person's only by <see cref="PersonRule"/>. Immich gives no confidence.</summary>
    private static RecognizedFace ToRecognizedFace(AssetFaceDto face) =>
        new(
            new FaceBox(face.BoundingBoxX1, face.BoundingBoxY1, face.BoundingBoxX2, face.BoundingBoxY2),
            Person: PersonRule.NameThatCounts(face.Person?.Name, face.Person?.IsHidden ?? false),
            Confidence: null,
            PersonId: face.Person?.Id,
            FaceId: face.Id,
            HiddenPerson: face.Person is { IsHidden: true, Name: { Length: > 0 } hiddenName } ? hiddenName : null);

    private static string Signature(List<AssetFaceDto> faces) =>
        string.Join(
            '|',
            faces
                .Select(face => string.Create(CultureInfo.InvariantCulture, $"{face.Id}:{face.Person?.Id}:{face.Person?.Name}:{face.BoundingBoxX1},{face.BoundingBoxY1},{face.BoundingBoxX2},{face.BoundingBoxY2}"))
                .Order(StringComparer.Ordinal));
}
