namespace FaceSorter.Immich.Api;

/// <summary><c>queueStatus</c> in <c>GET /jobs</c>: <c>{isActive, isPaused}</c>.</summary>
internal sealed class LegacyQueueStatusDto
{
    public bool IsPaused { get; init; }
}
