using System.Globalization;

namespace FaceSorter.Immich.Api;

/// <summary>
/// The queues that decide whether Immich is still working on faces (docs/immich-facts.md, "Queues"):
/// detection and recognition, and the upstream metadata and thumbnail queues they wait for. A queue
/// is idle only when nothing is active, waiting, delayed or held by a pause: a paused queue reports
/// its jobs as <c>paused</c> with <c>waiting: 0</c>, so counting only active + waiting + delayed
/// reads a paused queue as done (seen on a real v2.7.5 server).
/// </summary>
public sealed class FaceQueues(IReadOnlyDictionary<string, QueueStatisticsDto> queues, IReadOnlySet<string> paused)
{
    public static readonly IReadOnlyList<string> Watched = ["metadataExtraction", "thumbnailGeneration", "faceDetection", "facialRecognition"];

    public IReadOnlyDictionary<string, QueueStatisticsDto> Queues { get; } = queues;

    /// <summary>The watched queues an admin has paused (by the queue's flag or by jobs held in it), in <see cref="Watched"/> order.</summary>
    public IReadOnlyList<string> Paused { get; } =
        [.. Watched.Where(name => paused.Contains(name) || (queues.TryGetValue(name, out var counts) && counts.Paused > 0))];

    /// <summary>Null when every watched queue is idle, else e.g. "faceDetection 1 active, 0 waiting, 0 delayed, 0 paused".</summary>
    public string? Busy()
    {
        var busy = Watched
            .Where(name => Paused.Contains(name) || (Queues.TryGetValue(name, out var counts) && counts.Pending > 0))
            .Select(name =>
            {
                var counts = Queues.GetValueOrDefault(name) ?? new QueueStatisticsDto();
                var state = Paused.Contains(name) ? " (queue paused)" : "";
                return string.Create(CultureInfo.InvariantCulture, $"{name} {counts.Active} active, {counts.Waiting} waiting, {counts.Delayed} delayed, {counts.Paused} paused{state}");
            })
            .ToList();
        return busy.Count == 0 ? null : string.Join("; ", busy);
    }
}
