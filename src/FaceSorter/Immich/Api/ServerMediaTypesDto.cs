namespace FaceSorter.Immich.Api;

/// <summary><c>ServerMediaTypesResponseDto</c>: the extensions (with their dots) the server accepts, per kind.</summary>
internal sealed class ServerMediaTypesDto
{
    public required List<string> Image { get; init; }

    public required List<string> Video { get; init; }

    public List<string>? Sidecar { get; init; }
}
