namespace FaceSorter.Immich.Api;

/// <summary><c>BulkIdResponseDto</c>: one <c>{id, success, error?}</c> per id of a bulk request such as a merge.</summary>
internal sealed class BulkIdResultDto
{
    public required string Id { get; init; }

    public bool Success { get; init; }

    public string? Error { get; init; }
}
