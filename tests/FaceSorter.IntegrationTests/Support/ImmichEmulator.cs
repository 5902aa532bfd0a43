using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// An in-process Immich server on a real port (Kestrel), following <c>docs/immich-facts.md</c> and
/// Immich's OpenAPI spec for the endpoints FaceSorter uses, in the flavour of one version
/// (v2.x: device fields required, faces on the asset, message arrays; v3.x: device fields stripped,
/// integer <c>duration</c>, Zod-style errors). Tests script it from C#: faces per content, how many
/// face reads the jobs take, failures, garbage, slow answers, a stopped server; and read back what
/// it saw. Routes are in <c>ImmichEmulation/ImmichEmulatorApi.cs</c>.
/// <code>
/// await using var immich = await ImmichEmulator.StartAsync("2.7.5", ct);
/// immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Alice"));
/// </code>
/// </summary>
public sealed partial class ImmichEmulator : IAsyncDisposable
{
    /// <summary>Use with <see cref="SetFaces"/> for every upload whose content has no script of its own.</summary>
    public const string AnyContent = "*";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, EmulatedAsset> _assets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EmulatedAsset> _assetsByChecksum = new(StringComparer.Ordinal);
    private readonly HashSet<EmulatedAsset> _inProgress = [];
    private readonly Dictionary<string, EmulatedFace[]> _faces = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, EmulatedProcessing> _processing = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _personIds = new(StringComparer.Ordinal);
    private readonly List<ImmichFault> _faults = [];
    private readonly HashSet<string> _failingContent = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<RecordedUpload> _uploads = [];
    private readonly List<string> _deletedIds = [];
    private WebApplication? _app;
    private int _port;

    private ImmichEmulator(string version)
    {
        var parts = version.TrimStart('v').Split('.');
        Major = int.Parse(parts[0], CultureInfo.InvariantCulture);
        Minor = int.Parse(parts[1], CultureInfo.InvariantCulture);
        Patch = int.Parse(parts[2], CultureInfo.InvariantCulture);
        MediaTypes = IsV3 ? EmulatedMediaTypes.V2_7_5 with { Image = [.. EmulatedMediaTypes.V2_7_5.Image, ".mpo"] } : EmulatedMediaTypes.V2_7_5;
    }

    public int Major { get; }

    public int Minor { get; }

    public int Patch { get; }

    public bool IsV3 => Major >= 3;

    public string Url => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_port}");

    public string ApiKey { get; } = "emulated-" + Guid.NewGuid().ToString("N");

    public string ApiKeyId { get; } = Guid.NewGuid().ToString();

    public string UserId { get; } = Guid.NewGuid().ToString();

    /// <summary>Whether the API key's user is an admin: only an admin may read <c>/jobs</c> and <c>/queues</c> (403 otherwise).</summary>
    public bool IsAdmin { get; set; } = true;

    /// <summary>
    /// What <c>GET /api/server/media-types</c> answers and uploads are judged by (by the file name's
    /// extension, as Immich does): v2.7.5's lists as a real server answered them,
    /// plus <c>.mpo</c> from v3 on (docs/media-types.md). Replace it to emulate a server that accepts less or more.
    /// </summary>
    public EmulatedMediaTypes MediaTypes { get; set; }

    /// <summary>
    /// Reads each upload's body at most this fast, in tenths of a second (a slow link to the server),
    /// before looking at it; null for as fast as it comes.
    /// </summary>
    public int? UploadBytesPerSecond { get; set; }

    /// <summary>Keeps <c>faceDetection</c> active whatever the assets' state (a busy server).</summary>
    public bool QueuesAlwaysBusy { get; set; }

    /// <summary>
    /// How long <c>/jobs</c> and <c>/queues</c> take to answer; they report the queues as they are at the
    /// end of it, so jobs that finish meanwhile (face reads served beside them advance an asset's jobs,
    /// <see cref="EmulatedProcessing"/>) are already done in their answer.
    /// </summary>
    public TimeSpan QueueReadDelay { get; set; }

    private readonly HashSet<string> _pausedQueues = new(StringComparer.Ordinal);
    private readonly HashSet<string> _hiddenPeople = new(StringComparer.Ordinal);

    /// <summary>
    /// Pauses a job queue as an admin does in Administration → Jobs: the assets waiting for it stop
    /// there, and <c>/queues</c> reports them as <c>paused</c> with <c>waiting: 0</c> and
    /// <c>isPaused: true</c> (seen on a real v2.7.5 server).
    /// </summary>
    public void PauseQueue(string name)
    {
        lock (_lock)
        {
            _pausedQueues.Add(name);
        }
    }

    public void ResumeQueue(string name)
    {
        lock (_lock)
        {
            _pausedQueues.Remove(name);
        }
    }

    /// <summary>Hides a person, as the user does on Immich's people page: the person keeps their faces and name, with <c>isHidden: true</c>.</summary>
    public void HidePerson(string name)
    {
        lock (_lock)
        {
            _hiddenPeople.Add(name);
        }
    }

    public bool IsRunning => _app is not null;

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<RecordedUpload> Uploads
    {
        get
        {
            lock (_lock)
            {
                return [.. _uploads];
            }
        }
    }

    /// <summary>Ids named in <c>DELETE /api/assets</c> requests that succeeded.</summary>
    public IReadOnlyList<string> DeletedAssetIds
    {
        get
        {
            lock (_lock)
            {
                return [.. _deletedIds];
            }
        }
    }

    public IReadOnlyList<EmulatedAsset> Assets
    {
        get
        {
            lock (_lock)
            {
                return [.. _assets.Values];
            }
        }
    }

    public static async Task<ImmichEmulator> StartAsync(string version, CancellationToken cancellationToken)
    {
        var emulator = new ImmichEmulator(version);
        await emulator.StartAgainAsync(cancellationToken);
        return emulator;
    }

    /// <summary>The faces every upload of this content (lower-case hex SHA-256, or <see cref="AnyContent"/>) will have.</summary>
    public void SetFaces(string sha256OrAny, params EmulatedFace[] faces)
    {
        lock (_lock)
        {
            _faces[sha256OrAny] = faces;
        }
    }

    /// <summary>How many face reads the face jobs take for uploads of this content (default: instant).</summary>
    public void SetProcessing(string sha256OrAny, EmulatedProcessing processing)
    {
        lock (_lock)
        {
            _processing[sha256OrAny] = processing;
        }
    }

    /// <summary>
    /// A reverse proxy in front of Immich with this body limit (nginx's <c>client_max_body_size</c>): a larger
    /// request gets nginx's 413 page. Null (the default) is Immich alone, which sets no limit.
    /// </summary>
    public long? ProxyBodyLimit { get; set; }

    /// <summary>Every upload of this content (SHA-256, hex) gets Immich's 500, as for a file its upload handler chokes on; other uploads go on.</summary>
    public void FailUploadsOf(string sha256)
    {
        lock (_lock)
        {
            _failingContent.Add(sha256);
        }
    }

    /// <summary>The next <paramref name="times"/> requests matching <c>"[METHOD ]/path-prefix"</c> get <paramref name="status"/>.</summary>
    public void Fail(string route, int times, int status = 500) => AddFault(route, times, fault => fault with { Status = status });

    /// <summary>The next matching requests get 200 with a body that is not JSON.</summary>
    public void AnswerGarbage(string route, int times) => AddFault(route, times, fault => fault with { Garbage = true });

    /// <summary>The next matching requests are answered only after <paramref name="delay"/> (or when the client gives up).</summary>
    public void Delay(string route, TimeSpan delay, int times = int.MaxValue) => AddFault(route, times, fault => fault with { Delay = delay });

    public int CountRequests(string method, string pathPrefix)
    {
        lock (_lock)
        {
            return _requests.Count(request => string.Equals(request.Method, method, StringComparison.OrdinalIgnoreCase)
                && request.Path.StartsWith(pathPrefix, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>Stops listening: connections are refused until <see cref="StartAgainAsync"/>. State is kept.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Listens again, on the same port once it has one.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(2)); // StopAsync must not wait out a "slow" answer
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(options =>
        {
            options.MemoryBufferThreshold = 8 * 1024 * 1024; // uploads in memory, not in temp files
            options.MultipartBodyLengthLimit = long.MaxValue; // Immich sets no limit on an upload (a proxy may: ProxyBodyLimit)
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_port}"));
        var app = builder.Build();
        MapApi(app);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _port = new Uri(address).Port;
        _app = app;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private void AddFault(string route, int times, Func<FaultSpec, FaultSpec> configure)
    {
        var (method, prefix) = ImmichFault.Parse(route);
        var spec = configure(new FaultSpec(null, false, TimeSpan.Zero));
        lock (_lock)
        {
            _faults.Add(new ImmichFault { Method = method, PathPrefix = prefix, Remaining = times, Status = spec.Status, Garbage = spec.Garbage, Delay = spec.Delay });
        }
    }

    private ImmichFault? TakeFault(string method, string path)
    {
        lock (_lock)
        {
            var fault = _faults.FirstOrDefault(candidate => candidate.Matches(method, path));
            if (fault is not null)
            {
                fault.Remaining--;
            }

            return fault;
        }
    }

    private string PersonIdFor(string name)
    {
        if (!_personIds.TryGetValue(name, out var id))
        {
            id = Guid.NewGuid().ToString();
            _personIds[name] = id;
        }

        return id;
    }

    private static string StatusText(int status) =>
        status switch
        {
            (int)HttpStatusCode.BadRequest => "Bad Request",
            (int)HttpStatusCode.Unauthorized => "Unauthorized",
            (int)HttpStatusCode.Forbidden => "Forbidden",
            (int)HttpStatusCode.NotFound => "Not Found",
            _ => "Internal Server Error",
        };

    private sealed record FaultSpec(int? Status, bool Garbage, TimeSpan Delay);
}
