namespace FaceSorter.Immich.Api;

/// <summary>
/// <c>AssetFaceResponseDto</c> from <c>GET /faces?id=</c>: a box in <c>imageWidth×imageHeight</c> pixels
/// (the preview) and the caller's person, or null when unassigned (docs/immich-facts.md, "Faces").
/// </summary>
public sealed class AssetFaceDto
{
    public required string Id { get; init; }

    public required int ImageWidth { get; init; }

    public required int ImageHeight { get; init; }

    public required int BoundingBoxX1 { get; init; }

    public required int BoundingBoxY1 { get; init; }

    public required int BoundingBoxX2 { get; init; }

    public required int BoundingBoxY2 { get; init; }

    public string? SourceType { get; init; }

    public PersonDto? Person { get; init; }
}
