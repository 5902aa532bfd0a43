namespace FaceSorter.Immich.Api;

/// <summary>What <c>POST /assets</c> is sent for one file (docs/immich-facts.md, "Upload").</summary>
/// <param name="FileName">The name Immich sees; its extension decides whether Immich takes the file.</param>
/// <param name="Sha1Hex">The content's SHA-1, sent as <c>x-immich-checksum</c> so a known file is not stored twice.</param>
/// <param name="DeviceAssetId">With <paramref name="DeviceId"/>: required up to v2.7.5, stripped by v3, so sent always.</param>
public sealed record AssetUpload(
    string FilePath,
    string FileName,
    string Sha1Hex,
    string DeviceId,
    string DeviceAssetId,
    DateTime FileCreatedAtUtc,
    DateTime FileModifiedAtUtc);
