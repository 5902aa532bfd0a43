using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.Json;
using FaceSorter.Decisions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// An in-process stand-in for Immich's ML service (docs/immich-facts.md, "ML request and response") on a
/// real port: <c>GET /ping</c>, and <c>POST /predict</c> answering as <see cref="Answer"/> says, after
/// <see cref="Delay"/>. Like the real one it answers 422 without <c>entries</c> and 400 without an image;
/// like a strict multipart parser it answers 500 to a part whose name is not a quoted string (RFC 7578).
/// </summary>
public sealed class MachineLearningEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _inFlight;
    private int _maxInFlight;

    private MachineLearningEmulator(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every predict request received, in order.</summary>
    public ConcurrentQueue<MachineLearningEmulatorRequest> Requests { get; } = new();

    /// <summary>How the service answers a predict request; by default, no faces.</summary>
    public Func<MachineLearningEmulatorRequest, IResult> Answer { get; set; } = _ => Faces();

    /// <summary>Time the emulated model takes per image.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Most predict requests seen in progress at once.</summary>
    public int MaxConcurrency => Volatile.Read(ref _maxInFlight);

    public static async Task<MachineLearningEmulator> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var emulator = new MachineLearningEmulator(app);
        app.MapGet("/", () => Results.Json(new { message = "Immich ML" }));
        app.MapGet("/ping", () => Results.Text("pong"));
        app.MapPost("/predict", (Delegate)emulator.PredictAsync);
        await app.StartAsync(cancellationToken);
        emulator.BaseAddress = new Uri(app.Urls.First() + "/");
        return emulator;
    }

    /// <summary>A 200 with these faces, shaped as Immich v1.125+ sends them (embedding as a JSON string).</summary>
    public static IResult Faces(params MachineLearningEmulatorFace[] faces)
    {
        var array = new JsonArray();
        foreach (var face in faces)
        {
            var box = face.Box ?? new FaceBox(100, 120, 300, 360);
            array.Add(new JsonObject
            {
                ["boundingBox"] = new JsonObject { ["x1"] = box.X1, ["y1"] = box.Y1, ["x2"] = box.X2, ["y2"] = box.Y2 },
                ["embedding"] = JsonSerializer.Serialize(face.Embedding),
                ["score"] = face.Score,
            });
        }

        var body = new JsonObject { ["facial-recognition"] = array, ["imageHeight"] = 800, ["imageWidth"] = 600 };
        return Results.Text(body.ToJsonString(), "application/json");
    }

    /// <summary>FastAPI's error shape: <c>{"detail": …}</c>.</summary>
    public static IResult Error(int status, string detail) => Results.Json(new { detail }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task<IResult> PredictAsync(HttpContext context)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            int seen;
            while (inFlight > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, inFlight, seen) != seen)
            {
            }

            var aborted = context.RequestAborted;
            if (await StrictMultipart.MalformedPartAsync(context.Request, aborted) is { } malformed)
            {
                // What a strict (WHATWG) multipart parser answers to a part name that is not quoted.
                return Results.Text("Failed to parse body as FormData: " + malformed, statusCode: 500);
            }

            var form = await context.Request.ReadFormAsync(aborted);
            var file = form.Files.GetFile("image");
            byte[] image = [];
            if (file is not null)
            {
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer, aborted);
                image = buffer.ToArray();
            }

            var request = new MachineLearningEmulatorRequest(form["entries"].FirstOrDefault(), file?.FileName, image);
            Requests.Enqueue(request);
            if (request.Entries is null)
            {
                return Results.Json(new { detail = new[] { new { type = "missing", loc = new[] { "body", "entries" }, msg = "Field required" } } }, statusCode: 422);
            }

            if (file is null)
            {
                return Error(400, "Either image or text must be provided");
            }

            if (Delay > TimeSpan.Zero)
            {
                // The emulated model's work, not a test waiting on the clock.
                await Task.Delay(Delay, aborted);
            }

            return Answer(request);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
