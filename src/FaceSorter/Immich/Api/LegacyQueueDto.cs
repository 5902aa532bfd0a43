namespace FaceSorter.Immich.Api;

/// <summary>One value of <c>GET /jobs</c>' map: <c>{jobCounts, queueStatus: {isActive, isPaused}}</c>, unchanged since v1.93.</summary>
internal sealed class LegacyQueueDto
{
    public required QueueStatisticsDto JobCounts { get; init; }

    public LegacyQueueStatusDto? QueueStatus { get; init; }
}
