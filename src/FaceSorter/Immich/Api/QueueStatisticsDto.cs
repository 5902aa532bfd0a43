namespace FaceSorter.Immich.Api;

/// <summary><c>QueueStatisticsDto</c>: <c>jobCounts</c> in <c>/jobs</c>, <c>statistics</c> in <c>/queues</c>.</summary>
public sealed class QueueStatisticsDto
{
    public int Active { get; init; }

    public int Completed { get; init; }

    public int Delayed { get; init; }

    public int Failed { get; init; }

    /// <summary>Jobs held by a paused queue. A paused queue reports them here with <c>waiting: 0</c> (docs/immich-facts.md, "Queues").</summary>
    public int Paused { get; init; }

    public int Waiting { get; init; }

    /// <summary>Jobs not finished yet: active, waiting, delayed, or held by a pause. Idle means 0.</summary>
    public int Pending => Active + Waiting + Delayed + Paused;
}
