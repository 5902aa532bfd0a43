using System.Net.Http.Headers;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.Json;
using FaceSorter.Immich.Api;
using FaceSorter.Decisions;
using FaceSorter.Options;
using Microsoft.Extensions.Options;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// Immich's ML service (docs/immich-facts.md, "ML request and response"): <c>POST predict</c> with the face
/// entries and the image, and <c>GET ping</c>. Paths are relative to
/// <see cref="ImmichOptions.MachineLearningUrl"/> (as Immich v3 does).
/// </summary>
/// <remarks>
/// Errors: unreachable, timeout (<see cref="ImmichOptions.RequestTimeout"/>), 5xx, an unexpected
/// status or an answer that is not the documented JSON throw <see cref="FaceServiceUnavailableException"/>,
/// so the file waits and is retried. <see cref="FacePrediction.Unreadable"/> comes back only when the
/// service blames the image: a 400 (we always send valid entries and an image part, so a 400 means
/// the image is empty or has no pixels), a 413, or a 422/500 whose <c>detail</c> says the image
/// cannot be decoded (Pillow's "cannot identify image file"). Any other 500 is a
/// <see cref="FacePrediction.ServerError"/>: it could be the image or a model that failed to load,
/// and only a second request can tell (<see cref="MachineLearningFaceService"/> sends <see cref="ProbeImage"/>).
/// </remarks>
public sealed class MachineLearningClient
{
    private static readonly string[] UnreadableHints =
        ["cannot identify image", "unidentifiedimageerror", "image file is truncated", "decode", "not a valid image", "invalid image"];

    private readonly HttpClient _http;
    private readonly ImmichOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly string _entries;

    public MachineLearningClient(HttpClient http, IOptions<ImmichOptions> options, TimeProvider timeProvider)
    {
        _http = http;
        _options = options.Value;
        _timeProvider = timeProvider;
        _entries = BuildEntries(_options.ModelName, _options.MinScore);
    }

    /// <summary>The <c>entries</c> form field: detection then recognition with one model (Immich's own request).</summary>
    public static string BuildEntries(string modelName, double minScore) => new JsonObject
    {
        ["facial-recognition"] = new JsonObject
        {
            ["detection"] = new JsonObject { ["modelName"] = modelName, ["options"] = new JsonObject { ["minScore"] = minScore } },
            ["recognition"] = new JsonObject { ["modelName"] = modelName },
        },
    }.ToJsonString();

    /// <summary>True when the service answers <c>pong</c>.</summary>
    /// <summary>The service's address as configured, for messages.</summary>
    public Uri? BaseAddress => _http.BaseAddress;

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.GetAsync(new Uri("ping", UriKind.Relative), linked.Token);
            return response.IsSuccessStatusCode
                && (await response.Content.ReadAsStringAsync(linked.Token)).Trim().Trim('"') == "pong";
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>Detects the faces in <paramref name="image"/> and computes their embeddings.</summary>
    /// <param name="fileName">Only its extension is sent, as a hint; the service reads the bytes.</param>
    public async Task<FacePrediction> PredictFacesAsync(Stream image, string fileName, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var content = new MultipartFormDataContent();
            content.AddPart(new StringContent(_entries), "entries");
            var imagePart = new StreamContent(image);
            imagePart.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

            // A plain ASCII name: the service ignores it, and odd names only risk header-encoding trouble.
            content.AddPart(imagePart, "image", "image" + SafeExtension(fileName));
            using var response = await _http.PostAsync(new Uri("predict", UriKind.Relative), content, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(linked.Token);
                return Classify(response.StatusCode, body);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: linked.Token);
            return Parse(document.RootElement);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new FaceServiceUnavailableException($"The ML service did not answer within {_options.RequestTimeout} (FaceSorter:Immich:RequestTimeout)");
        }
        catch (HttpRequestException ex)
        {
            throw new FaceServiceUnavailableException($"The ML service at {_http.BaseAddress} cannot be reached: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new FaceServiceUnavailableException($"The ML service answered something that is not a face prediction: {ex.Message}", ex);
        }
    }

    private static FacePrediction Classify(HttpStatusCode status, string body)
    {
        var detail = Detail(body);
        var code = (int)status;
        var mentionsImage = UnreadableHints.Any(h => detail.Contains(h, StringComparison.OrdinalIgnoreCase));
        if (status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge
            || (mentionsImage && status is HttpStatusCode.UnprocessableEntity or HttpStatusCode.InternalServerError))
        {
            return new FacePrediction.Unreadable($"the ML service cannot read the image ({code}: {detail})");
        }

        if (status == HttpStatusCode.InternalServerError)
        {
            return new FacePrediction.ServerError($"The ML service answered {code}: {detail}");
        }

        throw new FaceServiceUnavailableException($"The ML service answered {code}: {detail}");
    }

    /// <summary>FastAPI's <c>{"detail": …}</c> (a string, or a list of validation errors), else the body.</summary>
    private static string Detail(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("detail", out var detail))
            {
                return detail.ValueKind == JsonValueKind.String ? detail.GetString()! : detail.GetRawText();
            }
        }
        catch (JsonException)
        {
            // Not JSON: Starlette's plain "Internal Server Error", a proxy's HTML page, …
        }

        return body.Length > 300 ? body[..300] : body;
    }

    private static FacePrediction.Detected Parse(JsonElement root)
    {
        var faces = new List<DetectedFace>();
        foreach (var face in root.GetProperty("facial-recognition").EnumerateArray())
        {
            var box = face.GetProperty("boundingBox");
            var embedding = face.GetProperty("embedding");

            // v1.125+ sends the 512 floats as a JSON string; older services sent the array itself.
            var vector = embedding.ValueKind == JsonValueKind.String
                ? JsonSerializer.Deserialize(embedding.GetString()!, ImmichJson.Default.SingleArray)
                : embedding.Deserialize(ImmichJson.Default.SingleArray);
            if (vector is null || vector.Length == 0)
            {
                throw new FormatException("a face has an empty embedding");
            }

            faces.Add(new DetectedFace(
                new FaceBox(box.GetProperty("x1").GetDouble(), box.GetProperty("y1").GetDouble(), box.GetProperty("x2").GetDouble(), box.GetProperty("y2").GetDouble()),
                vector,
                face.GetProperty("score").GetDouble()));
        }

        return new FacePrediction.Detected(faces, Size(root, "imageWidth"), Size(root, "imageHeight"));
    }

    private static int Size(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? (int)value.GetDouble() : 0;

    private static string SafeExtension(string fileName)
    {
        var extension = Path.GetExtension(fileName);
        return extension.Length is > 1 and <= 10 && extension.Skip(1).All(char.IsAsciiLetterOrDigit) ? extension.ToLowerInvariant() : "";
    }
}
