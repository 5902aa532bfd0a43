using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// Serves fixed bytes over real HTTP on 127.0.0.1, for real downloaders to fetch, at about
/// 640 KB/s like a slow link. The server paces itself because the client's own limit cannot be
/// relied on: curl 7.88.1 (Debian 12) ignores <c>--limit-rate</c> on a local connection.
/// </summary>
public sealed class FileServer : IAsyncDisposable
{
    private const int ChunkBytes = 64 * 1024;
    private readonly WebApplication _app;

    private FileServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public static async Task<FileServer> StartAsync(byte[] content, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/file.jpg", async (HttpResponse response, CancellationToken aborted) =>
        {
            response.ContentType = "image/jpeg";
            response.ContentLength = content.Length;
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            for (var offset = 0; offset < content.Length; offset += ChunkBytes)
            {
                await response.Body.WriteAsync(content.AsMemory(offset, Math.Min(ChunkBytes, content.Length - offset)), aborted);
                await response.Body.FlushAsync(aborted);
                await pace.WaitForNextTickAsync(aborted);
            }
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FileServer(app, string.Create(CultureInfo.InvariantCulture, $"{address}/file.jpg"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
