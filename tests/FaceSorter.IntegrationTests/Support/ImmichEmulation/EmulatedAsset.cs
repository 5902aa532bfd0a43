namespace FaceSorter.IntegrationTests.Support;

/// <summary>An asset in the emulated Immich; mutable state is guarded by the emulator's lock.</summary>
public sealed class EmulatedAsset
{
    public required string Id { get; init; }

    public required string Sha256 { get; init; }

    /// <summary>Base64 SHA-1, as Immich's <c>checksum</c> field.</summary>
    public required string Checksum { get; init; }

    public required string OriginalFileName { get; init; }

    public required string FileCreatedAt { get; init; }

    public required string FileModifiedAt { get; init; }

    public string? DeviceAssetId { get; init; }

    public string? DeviceId { get; init; }

    public required IReadOnlyList<(string FaceId, EmulatedFace Face)> Faces { get; set; }

    public required EmulatedProcessing Processing { get; init; }

    public int FaceReads { get; internal set; }

    public bool IsTrashed { get; internal set; }

    public bool IsPurged { get; internal set; }

    /// <summary>When it was uploaded (<see cref="System.Diagnostics.Stopwatch"/> timestamp), for <see cref="EmulatedProcessing.Taking"/>.</summary>
    public long UploadedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    internal int Stage =>
        FaceReads < Processing.DetectAfterFaceReads || Age < Processing.DetectAfter ? 0
        : FaceReads < Processing.NameAfterFaceReads || Age < Processing.NameAfter ? 1
        : 2;

    private TimeSpan Age => System.Diagnostics.Stopwatch.GetElapsedTime(UploadedAt);
}
