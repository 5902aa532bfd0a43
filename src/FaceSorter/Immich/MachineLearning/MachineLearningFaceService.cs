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

        // The gallery first: without it there is nothing to match, so spare the ML service the work.
        var gallery = await _gallery.GetAsync(cancellationToken);
        var started = _timeProvider.GetTimestamp();
        var preview = _previews.Make(request.FilePath);
        if (preview.Failure is { } failure)
        {
            var reason = $"it cannot be decoded here to make the preview Immich's server would send the ML service ({failure})";
            _logger.MachineLearningUnreadable(request.FilePath, reason);
            return new FaceCheck.Unreadable(reason);
        }

        // Only the request holds one of the MaxConcurrentRequests slots: the preview above and the
        // matching below run while other files' requests keep the ML service busy.
        FacePrediction prediction;
        using (await _slots.TakeAsync(cancellationToken))
        {
            using (var image = new MemoryStream(preview.Jpeg, writable: false))
            {
                prediction = await _client.PredictFacesAsync(image, "preview.jpg", cancellationToken);
            }

            if (prediction is FacePrediction.ServerError failed)
            {
                prediction = await BlameAsync(failed, cancellationToken);
            }
        }

        if (prediction is FacePrediction.Unreadable unreadable)
        {
            _logger.MachineLearningUnreadable(request.FilePath, unreadable.Reason);
            return new FaceCheck.Unreadable(unreadable.Reason);
        }

        var detected = (FacePrediction.Detected)prediction;
        _logger.Predicted(request.FilePath, detected.Faces.Count, _timeProvider.GetElapsedTime(started));
        var faces = new List<RecognizedFace>(detected.Faces.Count);
        foreach (var face in detected.Faces)
        {
            // The service already drops faces below MinScore; an older or differently set one may not.
            if (face.Score < _options.MinScore)
            {
                continue;
            }

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

    private RecognizedFace Recognize(GallerySnapshot gallery, DetectedFace face)
    {
        var unit = new float[face.Embedding.Length];
        var match = Embeddings.TryNormalize(face.Embedding, unit) ? Matcher.Match(gallery, unit, _rules) : null;
        return match is null
            ? new RecognizedFace(face.Box, Person: null, Confidence: null)
            : new RecognizedFace(face.Box, match.Person.Name, match.Confidence, match.RunnerUp?.Name, match.Person.PersonId);
    }
}
