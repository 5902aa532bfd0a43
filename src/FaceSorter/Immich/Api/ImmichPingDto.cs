namespace FaceSorter.Immich.Api;

/// <summary><c>ServerPingResponse</c>: <c>{"res":"pong"}</c>.</summary>
internal sealed class ImmichPingDto
{
    public required string Res { get; init; }
}
