using System.Globalization;
using FaceSorter.Immich.Api;
using FaceSorter.Options;
using Microsoft.Extensions.Logging;

namespace FaceSorter.Immich.Upload;

/// <summary>
/// Waits for Immich's own face jobs on one asset, then reads its faces (IMMICH.md 2.7 and 7).
/// <c>GET /faces?id=</c> first lists detected faces with <c>person: null</c>; recognition names them
/// later. There is no per-asset status in the API, so the rule is: the face queues (and the
/// metadata and thumbnail queues upstream) are idle and, when no face was found, the faces read
/// after that are the same as the poll before. The queues are read before the faces, so faces read after an idle answer
/// already hold what the finished jobs wrote. Polls back off from 250 ms to 5 s on the injected
/// clock. At <c>FaceWaitTimeout</c> it decides on what it has and says so in the note.
/// Without an admin key the queues are unreadable (401/403): it then waits until the faces are
/// unchanged for <see cref="UnchangedPollsWithoutQueues"/> polls, which cannot tell "not detected
/// yet" from "no face", and says so in the log once and in each result's note.
/// </summary>
internal sealed class FaceJobWaiter(ImmichServerClient immich, TimeProvider clock, ImmichOptions options, ILogger logger)
{
    public const int UnchangedPollsWithoutQueues = 3;
    // Short at first so an idle Immich costs little latency (the second, confirming poll comes
    // 50 ms after the first); doubling keeps a busy Immich from being polled hard.
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    // 0 while the queues are readable (or not tried yet), 1 once a 401/403 said they are not: shared by all files, logged once.
    private int _queuesUnreadable;

    public bool QueuesUnreadable => Volatile.Read(ref _queuesUnreadable) == 1;

    public async Task<FaceCheck.Analyzed> WaitAsync(string assetId, ImmichServerVersion version, CancellationToken cancellationToken)
    {
        var timeout = options.FaceWaitTimeout;
        var started = clock.GetTimestamp();
        var delay = FirstDelay;
        string? previous = null;
        var unchanged = 0;
        for (var polls = 1; ; polls++)
        {
            var busy = await ReadBusyQueuesAsync(version, cancellationToken);
            var faces = await immich.GetFacesAsync(assetId, cancellationToken);
            var signature = Signature(faces);
            unchanged = signature == previous ? unchanged + 1 : 0;
            previous = signature;

            string? note = null;
            var elapsed = clock.GetElapsedTime(started);
            // Faces read after an idle answer are final: detection queues the recognition jobs before
            // it completes, so once faces exist an idle queue means recognition ran too. No faces
            // could still mean "not detected yet" (the chain upstream queues its next job only
            // after completing), so that is confirmed by a second, unchanged poll.
            var settled = QueuesUnreadable
                ? unchanged >= UnchangedPollsWithoutQueues
                : busy is null && (faces.Count > 0 || unchanged >= 1);
            if (!settled && elapsed < timeout)
            {
                var left = timeout - elapsed;
                await Task.Delay(delay < left ? delay : left, clock, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
                continue;
            }

            if (QueuesUnreadable)
            {
                note = settled
                    ? string.Create(CultureInfo.InvariantCulture, $"Immich's job queues are not readable with this API key (not an admin's): decided when the faces were unchanged for {UnchangedPollsWithoutQueues} polls")
                    : $"Immich's job queues are not readable with this API key (not an admin's) and the faces were still changing after {timeout}: decided on the faces seen so far";
            }
            else if (!settled)
            {
                var why = busy ?? "the faces were still changing";
                logger.FaceWaitTimedOut(assetId, timeout, why);
                note = $"Immich's face jobs were not finished after {timeout} ({why}): decided on the faces seen so far";
            }

            var recognized = faces.Select(ToRecognizedFace).ToList();
            logger.FacesRead(assetId, recognized.Count, recognized.Count(face => face.Person is not null), polls, elapsed);
            return new FaceCheck.Analyzed(recognized, assetId, note);
        }
    }

    /// <summary>What is still running, or null when idle; also null once the queues proved unreadable.</summary>
    private async Task<string?> ReadBusyQueuesAsync(ImmichServerVersion version, CancellationToken cancellationToken)
    {
        if (QueuesUnreadable)
        {
            return null;
        }

        var queues = await immich.GetFaceQueuesAsync(version, cancellationToken);
        if (queues is null)
        {
            if (Interlocked.Exchange(ref _queuesUnreadable, 1) == 0)
            {
                logger.QueuesNotReadable();
            }

            return null;
        }

        return queues.Busy();
    }

    /// <summary>A face without a person, or with a person whose name is empty (an unnamed cluster), is unnamed. Immich gives no confidence.</summary>
    private static RecognizedFace ToRecognizedFace(AssetFaceDto face) =>
        new(
            new FaceBox(face.BoundingBoxX1, face.BoundingBoxY1, face.BoundingBoxX2, face.BoundingBoxY2),
            Person: string.IsNullOrWhiteSpace(face.Person?.Name) ? null : face.Person.Name,
            Confidence: null,
            PersonId: face.Person?.Id,
            FaceId: face.Id);

    private static string Signature(List<AssetFaceDto> faces) =>
        string.Join(
            '|',
            faces
                .Select(face => string.Create(CultureInfo.InvariantCulture, $"{face.Id}:{face.Person?.Id}:{face.Person?.Name}:{face.BoundingBoxX1},{face.BoundingBoxY1},{face.BoundingBoxX2},{face.BoundingBoxY2}"))
                .Order(StringComparer.Ordinal));
}
