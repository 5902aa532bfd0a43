namespace FaceSorter.Immich.Api;

/// <summary>Upload answer: <c>{id, status: created|duplicate}</c> (<c>replaced</c> only from v2's deprecated replace endpoint).</summary>
internal sealed class AssetMediaResponseDto
{
    public required string Id { get; init; }

    public required string Status { get; init; }
}
