using System.Globalization;

namespace FaceSorter.Immich.Api;

/// <summary>
/// The queues that decide whether Immich is still working on faces (IMMICH.md 2.7): detection and
/// recognition, and the upstream metadata and thumbnail queues they wait for.
/// </summary>
public sealed class FaceQueues(IReadOnlyDictionary<string, QueueStatisticsDto> queues)
{
    public static readonly IReadOnlyList<string> Watched = ["metadataExtraction", "thumbnailGeneration", "faceDetection", "facialRecognition"];

    public IReadOnlyDictionary<string, QueueStatisticsDto> Queues { get; } = queues;

    /// <summary>Null when every watched queue is idle, else e.g. "faceDetection 1 active, 0 waiting, 0 delayed".</summary>
    public string? Busy()
    {
        var busy = Watched
            .Where(name => Queues.TryGetValue(name, out var counts) && counts.Pending > 0)
            .Select(name =>
            {
                var counts = Queues[name];
                return string.Create(CultureInfo.InvariantCulture, $"{name} {counts.Active} active, {counts.Waiting} waiting, {counts.Delayed} delayed");
            })
            .ToList();
        return busy.Count == 0 ? null : string.Join("; ", busy);
    }
}
