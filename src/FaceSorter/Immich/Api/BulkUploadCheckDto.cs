namespace FaceSorter.Immich.Api;

/// <summary><c>AssetBulkUploadCheckResponseDto</c> from <c>POST /assets/bulk-upload-check</c>.</summary>
public sealed class BulkUploadCheckDto
{
    public required List<BulkUploadCheckResultDto> Results { get; init; }
}

/// <summary>One result: <c>reject</c> with <c>reason: duplicate</c> and <c>assetId</c> when the user already has the content.</summary>
public sealed class BulkUploadCheckResultDto
{
    public required string Id { get; init; }

    public required string Action { get; init; }

    public string? Reason { get; init; }

    public string? AssetId { get; init; }

    public bool? IsTrashed { get; init; }
}
