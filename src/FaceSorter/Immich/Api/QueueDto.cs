namespace FaceSorter.Immich.Api;

/// <summary>One item of <c>GET /queues</c> (v2.4+): <c>{name, isPaused, statistics}</c>.</summary>
internal sealed class QueueDto
{
    public required string Name { get; init; }

    public bool IsPaused { get; init; }

    public required QueueStatisticsDto Statistics { get; init; }
}
