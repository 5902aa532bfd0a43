using System.Collections.Concurrent;
using FaceSorter.Decisions;
using FaceSorter.Hashing;
using FaceSorter.Immich.Api;
using FaceSorter.Immich.MachineLearning;
using FaceSorter.Media;
using FaceSorter.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Immich.Upload;

/// <summary>
/// Upload mode (docs/contracts.md, "Immich"; <c>Immich.Mode = Upload</c>): upload the file to Immich, wait
/// for Immich's own face detection and recognition, read who the faces are. Immich stores no match distance
/// (docs/immich-facts.md, "Match distance"), so the confidence is null unless Immich's database is
/// configured: then it is 1 − the cosine distance from the face's stored embedding to the person's nearest
/// other face, as in MachineLearning mode, so <c>MinConfidence</c> means the same in both. With
/// <c>KeepAssets: false</c> the asset is purged again, but only when this program created it: a "duplicate"
/// answer means the user already had the content in Immich, and that asset is theirs. A file is sent only
/// when its type (by its leading bytes, <see cref="MediaTypes"/>) is one the server lists in its media
/// types, under a safe name with an accepted extension (<see cref="UploadFileName"/>); otherwise it is
/// <see cref="FaceCheck.NotAccepted"/> with the type named.
/// </summary>
public sealed class UploadFaceService : IFaceService, IDisposable
{
    public const string DeviceId = "facesorter";

    private readonly ImmichServerClient _immich;
    private readonly ImmichRequestSlots _slots;
    private readonly ImmichOptions _options;
    private readonly ILogger<UploadFaceService> _logger;
    private readonly FaceJobWaiter _waiter;
    private readonly GalleryDistance? _distance;

    // Assets this process created and has not purged yet. A file whose check failed half-way is
    // uploaded again on retry and then gets "duplicate" for the asset created the first time:
    // that asset is still ours to delete.
    private readonly ConcurrentDictionary<string, byte> _createdHere = new(StringComparer.Ordinal);

    // The detected server version and the media types it accepts; dropped after a failure, since a
    // restarted Immich may be another version.
    private ServerFacts? _server;
    private readonly SemaphoreSlim _readingServer = new(1, 1); // callers at start (the start-up report, the first files) share one read and one log line
    private ImmichServerVersion? _loggedVersion; // the version last logged, so a re-read after an outage is not logged again

    public UploadFaceService(ImmichServerClient immich, ImmichRequestSlots slots, IOptions<ImmichOptions> options, TimeProvider clock, ILogger<UploadFaceService> logger, GalleryDistance? distance = null)
    {
        _distance = distance;
        _immich = immich;
        _slots = slots;
        _options = options.Value;
        _logger = logger;
        _waiter = new FaceJobWaiter(immich, clock, _options, logger);
    }

    public void Dispose() => _readingServer.Dispose();

    public async Task<FaceCheck> CheckAsync(FaceCheckRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await CheckOnceAsync(request, cancellationToken);
        }
        catch (FaceServiceUnavailableException)
        {
            _server = null;
            throw;
        }
    }

    /// <summary>The server version, detected on first use (Immich may be down when the daemon starts), with its media types.</summary>
    public async Task<ImmichServerVersion> GetServerVersionAsync(CancellationToken cancellationToken) =>
        (await GetServerAsync(cancellationToken)).Version;

    /// <summary>The extensions the server accepts, read together with its version (so again whenever that is read again).</summary>
    public async Task<ImmichMediaTypes> GetMediaTypesAsync(CancellationToken cancellationToken) =>
        (await GetServerAsync(cancellationToken)).MediaTypes;

    private async Task<ServerFacts> GetServerAsync(CancellationToken cancellationToken)
    {
        if (_server is { } known)
        {
            return known;
        }

        await _readingServer.WaitAsync(cancellationToken);
        try
        {
            return _server ?? await ReadServerAsync(cancellationToken);
        }
        finally
        {
            _readingServer.Release();
        }
    }

    private async Task<ServerFacts> ReadServerAsync(CancellationToken cancellationToken)
    {
        var version = await _immich.GetVersionAsync(cancellationToken);
        if (!version.IsSupported)
        {
            throw new FaceServiceUnavailableException(
                $"Immich at {_immich.Url} is {version}; FaceSorter needs {ImmichServerVersion.OldestSupported} or later (the REST paths FaceSorter uses appeared then)");
        }

        var mediaTypes = await ReadMediaTypesAsync(version, cancellationToken);
        if (!Equals(_loggedVersion, version))
        {
            // Once per version: the facts are read again after every outage (a restarted Immich may be
            // another version), which during a long pause would repeat the same line every retry.
            _logger.ServerVersion(version.ToString(), _immich.Url);
            _loggedVersion = version;
        }

        var server = new ServerFacts(version, mediaTypes);
        _server = server;
        return server;
    }

    private async Task<ImmichMediaTypes> ReadMediaTypesAsync(ImmichServerVersion version, CancellationToken cancellationToken)
    {
        if (await _immich.GetMediaTypesAsync(cancellationToken) is not { } answer)
        {
            _logger.MediaTypesNotListed(_immich.Url, version.ToString());
            return ImmichMediaTypes.BuiltIn;
        }

        var mediaTypes = ImmichMediaTypes.Create(answer.Image, answer.Video, $"Immich {version}'s media types");
        _logger.MediaTypesRead(version.ToString(), string.Join(' ', mediaTypes.Image.Concat(mediaTypes.Video).Order(StringComparer.Ordinal)));
        return mediaTypes;
    }

    private async Task<FaceCheck> CheckOnceAsync(FaceCheckRequest request, CancellationToken cancellationToken)
    {
        var (version, mediaTypes) = await GetServerAsync(cancellationToken);
        var type = MediaTypes.SniffFile(request.FilePath);
        var extension = type is null ? null : mediaTypes.UploadExtension(type, Path.GetExtension(request.FilePath));
        if (extension is null)
        {
            var reason = type is null ? ImageSniffer.Unrecognised : mediaTypes.WhyNotAccepted(type);
            _logger.NotSentToImmich(request.FilePath, reason);
            return new FaceCheck.NotAccepted(reason);
        }

        var upload = await PrepareUploadAsync(request, UploadFileName.For(Path.GetFileName(request.FilePath), extension), cancellationToken);

        // One of the MaxConcurrentRequests slots from the upload until the faces are read: the SHA-1
        // above runs while other files' assets are in Immich's jobs.
        using var slot = await _slots.TakeAsync(cancellationToken);
        _logger.Uploading(request.FilePath, upload.FileName, request.Length);
        var uploaded = await _immich.UploadAsync(upload, cancellationToken);
        if (uploaded.Status == AssetUploadStatus.Unsupported)
        {
            _logger.UploadUnsupported(request.FilePath, uploaded.Reason ?? "");
            return new FaceCheck.Unreadable($"Immich refused the upload: {uploaded.Reason}");
        }

        var assetId = uploaded.AssetId!;
        _logger.Uploaded(request.FilePath, assetId, uploaded.Status == AssetUploadStatus.Created ? "created" : "duplicate");
        var ours = uploaded.Status == AssetUploadStatus.Created || _createdHere.ContainsKey(assetId);
        if (ours && !_options.KeepAssets)
        {
            _createdHere.TryAdd(assetId, 0);
        }

        // Before the purge: the embeddings go with the asset.
        var analyzed = await _waiter.WaitAsync(assetId, version, cancellationToken);
        var stored = await ReadStoredFacesAsync(analyzed, cancellationToken);
        if (!_options.KeepAssets)
        {
            await DeleteIfOursAsync(assetId, ours, cancellationToken);
        }

        if (stored is null)
        {
            return analyzed;
        }

        if (_distance!.Gallery.Current is { } gallery)
        {
            return WithConfidence(analyzed, stored, gallery);
        }

        // The gallery's first load is still running: with MatchLater the worker and the Immich slot go
        // on to the next file while this one waits for it (docs/matching.md, "Gallery load").
        var confidence = WithConfidenceAsync(analyzed, stored, cancellationToken);
        return request.MatchLater ? new FaceCheck.Pending(confidence) : await confidence;
    }

    /// <summary>The embeddings of the named faces, one per face (null for a face without a name or an embedding); null when there is nothing to measure.</summary>
    private async Task<StoredFace?[]?> ReadStoredFacesAsync(FaceCheck.Analyzed analyzed, CancellationToken cancellationToken)
    {
        if (_distance is null)
        {
            return null;
        }

        var stored = new StoredFace?[analyzed.Faces.Count];
        for (var i = 0; i < stored.Length; i++)
        {
            var face = analyzed.Faces[i];
            stored[i] = face.Person is not null && Guid.TryParse(face.FaceId, out var faceId)
                ? await _distance.ReadFaceAsync(faceId, face.Person, cancellationToken)
                : null;
        }

        return stored.Any(face => face is not null) ? stored : null;
    }

    private async Task<FaceCheck> WithConfidenceAsync(FaceCheck.Analyzed analyzed, StoredFace?[] stored, CancellationToken cancellationToken) =>
        WithConfidence(analyzed, stored, await _distance!.Gallery.GetAsync(cancellationToken));

    private static FaceCheck.Analyzed WithConfidence(FaceCheck.Analyzed analyzed, StoredFace?[] stored, GallerySnapshot gallery)
    {
        var faces = new List<RecognizedFace>(analyzed.Faces.Count);
        for (var i = 0; i < stored.Length; i++)
        {
            var face = analyzed.Faces[i];
            faces.Add(stored[i] is { } known && GalleryDistance.Distance(gallery, known) is { } distance ? face with { Confidence = 1 - distance } : face);
        }

        return analyzed with { Faces = faces };
    }

    /// <summary>
    /// Purges an asset this program created. A failure is logged, not thrown: the faces are read,
    /// and retrying the file would only upload it again.
    /// </summary>
    private async Task DeleteIfOursAsync(string assetId, bool ours, CancellationToken cancellationToken)
    {
        if (!ours)
        {
            _logger.DuplicateKept(assetId);
            return;
        }

        try
        {
            await _immich.DeleteAssetsAsync([assetId], force: true, cancellationToken);
            _createdHere.TryRemove(assetId, out _);
            _logger.AssetDeleted(assetId);
        }
        catch (FaceServiceUnavailableException exception)
        {
            _logger.AssetDeleteFailed(exception, assetId);
        }
    }

    private static async Task<AssetUpload> PrepareUploadAsync(FaceCheckRequest request, string fileName, CancellationToken cancellationToken)
    {
        var sha1 = await ImmichChecksum.OfFileAsync(request.FilePath, cancellationToken); // Immich's duplicate check

        var file = new FileInfo(request.FilePath);
        var modified = file.LastWriteTimeUtc;
        var created = file.CreationTimeUtc;
        return new AssetUpload(
            request.FilePath,
            fileName,
            sha1,
            DeviceId,
            "facesorter-" + request.Sha256,
            created < modified ? created : modified,
            modified);
    }

    private sealed record ServerFacts(ImmichServerVersion Version, ImmichMediaTypes MediaTypes);
}
