using System.Net.Sockets;
using System.Net;
using System.Text.Json.Nodes;
using FaceSorter.Decisions;
using FaceSorter.Immich.MachineLearning;
using FaceSorter.Immich;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace FaceSorter.IntegrationTests.MachineLearning;

/// <summary>The ML client against the emulator on a real port: the request it sends and how it reads every kind of answer.</summary>
public sealed class MachineLearningClientTests : IAsyncLifetime, IDisposable
{
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(30));
    private readonly MachineLearningVectors _vectors = new();
    private readonly List<HttpClient> _clients = [];
    private MachineLearningEmulator _emulator = null!;

    private CancellationToken Token => _deadline.Token;

    public async ValueTask InitializeAsync() => _emulator = await MachineLearningEmulator.StartAsync(Token);

    public async ValueTask DisposeAsync()
    {
        await _emulator.DisposeAsync();
        Dispose();
    }

    public void Dispose()
    {
        _clients.ForEach(c => c.Dispose());
        _deadline.Dispose();
    }

    [Fact]
    public async Task It_sends_Immich_s_own_face_request_with_the_image_as_a_named_file_part()
    {
        var client = Client(options => (options.ModelName, options.MinScore) = ("antelopev2", 0.65));
        byte[] image = [0xFF, 0xD8, 0xFF, 42];

        await client.PredictFacesAsync(new MemoryStream(image), "/inbox/Ünïcode name.JPG", Token);

        var request = _emulator.Requests.Should().ContainSingle().Which;
        JsonNode.DeepEquals(JsonNode.Parse(request.Entries!), JsonNode.Parse("""
            {"facial-recognition":{"detection":{"modelName":"antelopev2","options":{"minScore":0.65}},"recognition":{"modelName":"antelopev2"}}}
            """)).Should().BeTrue(request.Entries);
        request.FileName.Should().Be("image.jpg");
        request.Image.Should().Equal(image);
    }

    [Fact]
    public async Task It_reads_boxes_scores_image_size_and_the_embedding_string()
    {
        var embedding = _vectors.Random();
        _emulator.Answer = _ => MachineLearningEmulator.Faces(new MachineLearningEmulatorFace(embedding, 0.91, new FaceBox(690, -89, 833, 96)));

        var prediction = await Client().PredictFacesAsync(new MemoryStream([1]), "a.png", Token);

        var detected = prediction.Should().BeOfType<FacePrediction.Detected>().Which;
        (detected.ImageWidth, detected.ImageHeight).Should().Be((600, 800));
        var face = detected.Faces.Should().ContainSingle().Which;
        face.Box.Should().Be(new FaceBox(690, -89, 833, 96), "boxes are not clamped by the service and must not be lost");
        face.Score.Should().Be(0.91);
        face.Embedding.Should().Equal(embedding);
    }

    [Fact]
    public async Task An_image_without_faces_is_an_empty_list()
    {
        var prediction = await Client().PredictFacesAsync(new MemoryStream([1]), "a.jpg", Token);

        prediction.Should().BeOfType<FacePrediction.Detected>().Which.Faces.Should().BeEmpty();
    }

    public static TheoryData<int, string> UnreadableAnswers => new()
    {
        { 400, "Either image or text must be provided" },
        { 422, "cannot identify image file <_io.BytesIO object at 0x7f>" },
        { 500, "UnidentifiedImageError: cannot identify image file" },
    };

    [Theory]
    [MemberData(nameof(UnreadableAnswers))]
    public async Task An_answer_blaming_the_image_makes_it_unreadable(int status, string detail)
    {
        _emulator.Answer = _ => MachineLearningEmulator.Error(status, detail);

        var prediction = await Client().PredictFacesAsync(new MemoryStream([1]), "a.heic", Token);

        prediction.Should().BeOfType<FacePrediction.Unreadable>().Which.Reason.Should().Contain(detail).And.Contain(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static TheoryData<string, Func<IResult>> OutageAnswers => new()
    {
        { "503 from a proxy", () => Results.Text("<html>Bad gateway</html>", "text/html", statusCode: 503) },
        { "bad entries (our bug, not the file's)", () => MachineLearningEmulator.Error(422, "Invalid request format") },
        { "not JSON", () => Results.Text("surprise", "application/json") },
        { "JSON of another shape", () => Results.Json(new { message = "Immich ML" }) },
        { "embedding that is no array", () => Results.Text("""{"facial-recognition":[{"boundingBox":{"x1":1,"y1":2,"x2":3,"y2":4},"embedding":"nope","score":0.9}],"imageWidth":1,"imageHeight":1}""", "application/json") },
    };

    [Theory]
    [MemberData(nameof(OutageAnswers))]
    public async Task Any_other_failure_is_an_outage_so_the_file_waits(string @case, Func<IResult> answer)
    {
        _emulator.Answer = _ => answer();

        var act = () => Client().PredictFacesAsync(new MemoryStream([1]), "a.jpg", Token);

        await act.Should().ThrowAsync<FaceServiceUnavailableException>(@case);
    }

    [Theory]
    [InlineData("Internal Server Error")]
    [InlineData("""{"detail":"Failed to load model buffalo_l"}""")]
    public async Task A_500_that_does_not_blame_the_image_is_a_server_error_to_be_told_apart_by_the_caller(string body)
    {
        _emulator.Answer = _ => Results.Text(body, statusCode: 500);

        var prediction = await Client().PredictFacesAsync(new MemoryStream([1]), "a.jpg", Token);

        prediction.Should().BeOfType<FacePrediction.ServerError>().Which.Reason.Should().Contain("500");
    }

    [Fact]
    public async Task A_service_nobody_listens_on_is_an_outage()
    {
        var client = Client(baseAddress: new Uri($"http://127.0.0.1:{ClosedPort()}/"));

        var act = () => client.PredictFacesAsync(new MemoryStream([1]), "a.jpg", Token);

        await act.Should().ThrowAsync<FaceServiceUnavailableException>().WithMessage("*cannot be reached*");
        (await client.PingAsync(Token)).Should().BeFalse();
    }

    [Fact]
    public async Task A_slow_answer_is_an_outage_after_RequestTimeout()
    {
        var time = new FakeTimeProvider();
        _emulator.Delay = TimeSpan.FromMinutes(5);
        var client = Client(options => options.RequestTimeout = TimeSpan.FromSeconds(30), time);

        var predicting = client.PredictFacesAsync(new MemoryStream([1]), "a.jpg", Token);
        await Eventually.UntilAsync(() => !_emulator.Requests.IsEmpty, TimeSpan.FromSeconds(10), "the request reached the service", Token);
        predicting.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(30));

        await predicting.Invoking(async p => await p).Should().ThrowAsync<FaceServiceUnavailableException>().WithMessage("*RequestTimeout*");
    }

    [Fact]
    public async Task Ping_is_true_when_the_service_says_pong()
    {
        (await Client().PingAsync(Token)).Should().BeTrue();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private MachineLearningClient Client(Action<ImmichOptions>? configure = null, TimeProvider? time = null, Uri? baseAddress = null)
    {
        var options = new ImmichOptions();
        configure?.Invoke(options);
        var http = new HttpClient { BaseAddress = baseAddress ?? _emulator.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        _clients.Add(http);
        return new MachineLearningClient(http, Microsoft.Extensions.Options.Options.Create(options), time ?? TimeProvider.System);
    }
}
