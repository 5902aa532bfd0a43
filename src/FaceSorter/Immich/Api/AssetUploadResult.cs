namespace FaceSorter.Immich.Api;

/// <param name="AssetId">The new or existing asset; null when <see cref="AssetUploadStatus.Unsupported"/>.</param>
/// <param name="Reason">Immich's words when it refused the file.</param>
public sealed record AssetUploadResult(AssetUploadStatus Status, string? AssetId, string? Reason = null);
