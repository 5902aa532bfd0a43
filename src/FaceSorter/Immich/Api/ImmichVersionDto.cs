namespace FaceSorter.Immich.Api;

/// <summary><c>ServerVersionResponseDto</c>; <c>prerelease</c> only from v3.0.</summary>
internal sealed class ImmichVersionDto
{
    public required int Major { get; init; }

    public required int Minor { get; init; }

    public required int Patch { get; init; }

    public int? Prerelease { get; init; }
}
