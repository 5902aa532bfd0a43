namespace FaceSorter.Storage;

/// <summary>
/// The perceptual fingerprints of the known contents (docs/contracts.md, "Near duplicates"): one per
/// <c>contents</c> row, with the picture's size in pixels. A row not looked at yet has none and no size;
/// a row looked at whose picture has no fingerprint (not decodable, featureless) has a size of 0×0.
/// </summary>
public interface IFingerprints
{
    /// <summary>Records the fingerprint of <paramref name="fileHash"/>'s content (null when it has none) and its size in pixels.</summary>
    Task SetFingerprintAsync(string fileHash, long? fingerprint, int width, int height, CancellationToken cancellationToken);

    /// <summary>Every recorded fingerprint (the 64 bits as a signed number), for the in-memory index.</summary>
    Task<IReadOnlyList<long>> ListFingerprintsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The contents whose fingerprint is one of <paramref name="fingerprints"/> and that were claimed before
    /// <paramref name="fileHash"/>'s own content (by claim time, then hash), earliest claim first. Only an
    /// earlier claim can be "the earlier copy": a file checked again (after a restart, say) never finds the
    /// near copies that came after it and were sent to review as copies of it. Empty when
    /// <paramref name="fileHash"/> has no content row.
    /// </summary>
    Task<IReadOnlyList<FingerprintedContent>> FindEarlierByFingerprintsAsync(string fileHash, IReadOnlyCollection<long> fingerprints, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> settled contents (not merely claimed) not looked at yet: added by hand, or known before fingerprints were.</summary>
    Task<IReadOnlyList<ContentPlace>> ListUnfingerprintedAsync(int limit, CancellationToken cancellationToken);
}

/// <summary>A content with its fingerprint: where its file is (or was) and what became of it (<see cref="ContentState"/>).</summary>
public sealed record FingerprintedContent(string FileHash, string Path, string State, long Fingerprint, int Width, int Height);

/// <summary>A content's hash and where its file is.</summary>
public sealed record ContentPlace(string FileHash, string Path);
