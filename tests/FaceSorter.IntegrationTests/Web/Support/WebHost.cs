using System.Net.Http.Headers;
using System.Text.Json;
using FaceSorter.App.Hosting;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NetVips;

namespace FaceSorter.IntegrationTests.Web.Support;

/// <summary>
/// The real <c>run</c> host (<see cref="FaceSorterHost"/>: pipeline, SQLite store, Kestrel) started
/// in-process on 127.0.0.1 with a free port, over a temp folder holding its own config file. The
/// face service is the build's placeholder (an outage), which is all the review API needs.
/// </summary>
public sealed class WebHost : IAsyncDisposable
{
    private readonly IHost _host;

    private WebHost(string root, IHost host, Uri address, string? token)
    {
        Root = root;
        _host = host;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
        if (token is not null)
        {
            Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public string Root { get; }
    public Uri Address { get; }
    public HttpClient Client { get; }
    public string Inbox => Path.Combine(Root, "data", "temp_downloads");
    public string Faces => Path.Combine(Root, "data", "faces");
    public string Review => Path.Combine(Root, "data", "review");
    public IServiceProvider Services => _host.Services;
    public FaceSorterStore Store => Services.GetRequiredService<FaceSorterStore>();

    /// <param name="immich">Immich's address and API key (default: none listening, an outage).</param>
    public static async Task<WebHost> StartAsync(string root, CancellationToken cancellationToken, string? token = null, string? notifyUrl = null, (string Url, string ApiKey)? immich = null)
    {
        var configPath = Path.Combine(root, "facesorter.json");
        var web = new Dictionary<string, object?> { ["Enabled"] = true, ["Urls"] = "http://127.0.0.1:0", ["Token"] = token ?? "", ["NotifyUrl"] = notifyUrl ?? "" };
        var config = new Dictionary<string, object?>
        {
            ["FaceSorter"] = new Dictionary<string, object?>
            {
                ["Directories"] = new { Inbox = "data/temp_downloads", Faces = "data/faces", Review = "data/review" },
                ["Database"] = new { Provider = "Sqlite", ConnectionString = "Data Source=data/facesorter.db" },
                ["SettleTime"] = "00:00:00.2",
                ["Web"] = web,
            },
            // Warnings and errors of the host under test, for reading after a failure.
            ["Serilog"] = new
            {
                Using = new[] { "Serilog.Sinks.File" },
                WriteTo = new[] { new { Name = "File", Args = new { path = Path.Combine(root, "logs", "facesorter.log") } } },
            },
        };
        if (immich is { } server)
        {
            ((Dictionary<string, object?>)config["FaceSorter"]!)["Immich"] = new { server.Url, server.ApiKey };
        }

        await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(config), cancellationToken);
        var host = FaceSorterHost.Build(configPath, FaceSorterVerb.Run, quiet: true);
        await host.StartAsync(cancellationToken);
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new WebHost(root, host, new Uri(address), token);
    }

    /// <summary>Puts a real JPEG into review/<paramref name="category"/>/ and records it as the pipeline would.</summary>
    /// <remarks>The colour follows the name, so the committed screenshot only changes when the page does.</remarks>
    public async Task<long> GivenReviewItemAsync(string category, string fileName, CancellationToken cancellationToken, string? suggested = null, string? path = null, string? earlierCopy = null, string? reason = null)
    {
        var destination = path ?? Path.Combine(Review, category, fileName);
        WriteImage(destination);
        return await RecordReviewAsync(destination, category, suggested, cancellationToken, earlierCopy, reason);
    }

    /// <summary>A small JPEG at <paramref name="path"/> (its folder made), its colour taken from the name.</summary>
    public static void WriteImage(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = Image.Black(64, 48, 3) + new double[] { Path.GetFileName(path).Sum(ch => ch) % 255, 90, 160 };
        image.Jpegsave(path);
    }

    /// <summary>A review file that is not an image (an <c>invalid_</c> file).</summary>
    public async Task<long> GivenInvalidReviewItemAsync(string fileName, CancellationToken cancellationToken)
    {
        var destination = Path.Combine(Review, "unidentified", fileName);
        await File.WriteAllTextAsync(destination, "not an image", cancellationToken);
        return await RecordReviewAsync(destination, "unidentified", null, cancellationToken);
    }

    public async Task<ReviewItem> RecordAsync(long id, CancellationToken cancellationToken) =>
        (await Store.GetReviewItemAsync(id, cancellationToken))!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    private async Task<long> RecordReviewAsync(string destination, string category, string? suggested, CancellationToken cancellationToken, string? earlierCopy = null, string? reason = null)
    {
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(destination, cancellationToken)));
        var outcome = new OutcomeRecord(RecordKind.Review, hash, "instagram", null, category, reason ?? "unknown person", 1, suggested, 0.4, EarlierCopy: earlierCopy);
        var journal = await Store.BeginMovesAsync([new PlannedMove(Path.Combine(Inbox, Path.GetFileName(destination)), destination, outcome)], cancellationToken);
        await Store.CompleteMovesAsync([new CompletedMove(journal[0], destination)], cancellationToken);
        return (await Store.FindReviewByPathAsync(destination, cancellationToken))!.Id;
    }
}
