using FaceSorter.Decisions;
using FaceSorter.Hashing;
using FaceSorter.Media;
using FaceSorter.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// MachineLearning mode: the ML service finds the faces and their embeddings in the file's preview
/// (<see cref="PreviewMaker"/>, as Immich's server sends it), and each face is matched against the
/// named faces of Immich's database. Nothing is uploaded to Immich.
/// </summary>
public sealed class MachineLearningFaceService : IFaceService
{
    private readonly MachineLearningClient _client;
    private readonly ImmichRequestSlots _slots;
    private readonly PreviewMaker _previews;
    private readonly Gallery _gallery;
    private readonly ImmichOptions _options;
    private readonly MatchRules _rules;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<MachineLearningFaceService> _logger;

    public MachineLearningFaceService(
        MachineLearningClient client,
        ImmichRequestSlots slots,
        PreviewMaker previews,
        Gallery gallery,
        IOptions<ImmichOptions> options,
        TimeProvider timeProvider,
        ILogger<MachineLearningFaceService> logger)
    {
        _client = client;
        _slots = slots;
        _previews = previews;
        _gallery = gallery;
        _options = options.Value;
        _rules = new MatchRules(_options.MaxDistance, _options.MinMargin);
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task<FaceCheck> CheckAsync(FaceCheckRequest request, CancellationToken cancellationToken)
    {
        var type = MediaTypes.SniffFile(request.FilePath);
        if (WhyNotSent(type) is { } notSent)
        {
            _logger.NotSentToMachineLearning(request.FilePath, notSent);
            return new FaceCheck.NotAccepted(notSent);
        }

        // Only matching needs the gallery (docs/matching.md, "Gallery load"): a file that cannot be
        // read is decided without it, and a first load runs while the ML service looks at the file.
        var started = _timeProvider.GetTimestamp();
        var preview = request.Preview is { } made ? new Preview(made.Bytes, made.Width, made.Height, null) : _previews.Make(request.FilePath);
        if (preview.Failure is { } failure)
        {
            var reason = $"it cannot be decoded here to make the preview Immich's server would send the ML service ({failure})";
            _logger.MachineLearningUnreadable(request.FilePath, reason);
            return new FaceCheck.Unreadable(reason);
        }

        var loading = _gallery.Current is null ? _gallery.GetAsync(cancellationToken).AsTask() : null;
        FacePrediction prediction;
        try
        {
            // Only the request holds one of the MaxConcurrentRequests slots: the preview above and
            // the matching below run while other files' requests keep the ML service busy.
            using var slot = await _slots.TakeAsync(cancellationToken);
            using (var image = new MemoryStream(preview.Jpeg, writable: false))
            {
                prediction = await _client.PredictFacesAsync(image, "preview.jpg", cancellationToken);
            }

            if (prediction is FacePrediction.ServerError failed)
            {
                prediction = await BlameAsync(failed, cancellationToken);
            }
        }
        catch when (loading is not null)
        {
            // Nobody awaits the load now: observe its failure here (the next file tries again).
            ObserveFailure(loading);
            throw;
        }

        if (prediction is FacePrediction.Unreadable unreadable)
        {
            ObserveFailure(loading);
            _logger.MachineLearningUnreadable(request.FilePath, unreadable.Reason);
            return new FaceCheck.Unreadable(unreadable.Reason);
        }

        var detected = (FacePrediction.Detected)prediction;
        _logger.Predicted(request.FilePath, detected.Faces.Count, _timeProvider.GetElapsedTime(started));
        // The service already drops faces below MinScore; an older or differently set one may not.
        var found = detected.Faces.Where(face => face.Score >= _options.MinScore).ToList();
        if (found.Count == 0)
        {
            // No face: decided without the gallery, which may still be loading (docs/matching.md, "Gallery load").
            ObserveFailure(loading);
            return new FaceCheck.Analyzed([]);
        }

        if (loading is { IsCompleted: false } && request.MatchLater)
        {
            // The first load is still running: the caller's worker takes the next file while this one's
            // faces (a few KB, the preview let go) wait for it (docs/matching.md, "Gallery load").
            return new FaceCheck.Pending(MatchAsync(loading, found));
        }

        return Match(loading is null ? await _gallery.GetAsync(cancellationToken) : await loading, found);
    }

    private async Task<FaceCheck> MatchAsync(Task<GallerySnapshot> loading, List<DetectedFace> found) => Match(await loading, found);

    private FaceCheck.Analyzed Match(GallerySnapshot gallery, List<DetectedFace> found)
    {
        var faces = new List<RecognizedFace>(found.Count);
        foreach (var face in found)
        {
            faces.Add(Recognize(gallery, face));
        }

        return new FaceCheck.Analyzed(faces);
    }

    /// <summary>
    /// Null when a file of <paramref name="type"/> can go to the ML service: a still image of a type
    /// Immich accepts (its built-in v2.7.5 list, as no server is asked in this mode). The ML service
    /// reads still images only; Immich itself finds faces in a video through its preview frame,
    /// which is what Upload mode does.
    /// </summary>
    private static string? WhyNotSent(MediaType? type) =>
        type is null ? ImageSniffer.Unrecognised
        : type.Kind != MediaKind.Image ? $"{type.Description}: MachineLearning mode reads still images only (Upload mode sends videos to Immich, which finds faces in their preview frame)"
        : ImmichMediaTypes.BuiltIn.UploadExtension(type, "") is null ? ImmichMediaTypes.BuiltIn.WhyNotAccepted(type)
        : null;

    /// <summary>
    /// After a 500 without a reason: when the service reads <see cref="ProbeImage"/> fine, the file is
    /// what it cannot read (a HEIC, a truncated JPEG); otherwise the service is broken and the file waits.
    /// </summary>
    private async Task<FacePrediction.Unreadable> BlameAsync(FacePrediction.ServerError failed, CancellationToken cancellationToken)
    {
        using var probe = new MemoryStream(ProbeImage.Bytes.ToArray(), writable: false);
        if (await _client.PredictFacesAsync(probe, ProbeImage.FileName, cancellationToken) is FacePrediction.Detected)
        {
            return new FacePrediction.Unreadable($"the ML service fails on this image but reads a test image ({failed.Reason})");
        }

        throw new FaceServiceUnavailableException(failed.Reason);
    }

    private static void ObserveFailure(Task<GallerySnapshot>? loading) =>
        loading?.ContinueWith(static task => task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private RecognizedFace Recognize(GallerySnapshot gallery, DetectedFace face)
    {
        var unit = new float[face.Embedding.Length];
        var match = Embeddings.TryNormalize(face.Embedding, unit) ? Matcher.Match(gallery, unit, _rules) : null;
        return match is null
            ? new RecognizedFace(face.Box, Person: null, Confidence: null)
            : new RecognizedFace(face.Box, match.Person.Name, match.Confidence, match.RunnerUp?.Name, match.Person.PersonId);
    }
}
