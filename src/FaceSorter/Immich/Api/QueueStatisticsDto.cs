namespace FaceSorter.Immich.Api;

/// <summary><c>QueueStatisticsDto</c>: <c>jobCounts</c> in <c>/jobs</c>, <c>statistics</c> in <c>/queues</c>.</summary>
public sealed class QueueStatisticsDto
{
    public int Active { get; init; }

    public int Completed { get; init; }

    public int Delayed { get; init; }

    public int Failed { get; init; }

    public int Paused { get; init; }

    public int Waiting { get; init; }

    /// <summary>IMMICH.md 2.7: a queue is idle when active + waiting + delayed is 0.</summary>
    public int Pending => Active + Waiting + Delayed;
}
