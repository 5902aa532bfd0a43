using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// Real HTTP on 127.0.0.1 for the downloaders that write working files and sidecars:
/// <list type="bullet">
/// <item><c>/photo.jpg</c>: a picture, whole (gallery-dl's directlink extractor takes any URL ending in an image extension);</item>
/// <item><c>/clip.m3u8</c>: an HLS playlist of <see cref="Segments"/> MPEG-TS segments, each sent
/// <see cref="SegmentDelay"/> after it was asked for, so yt-dlp's native HLS download takes seconds;</item>
/// <item><c>/stalled.jpg</c>: the picture with a <see cref="Stall"/> half-way, like a stalled link;</item>
/// <item><c>/slow.jpg</c>: the picture at about 640 KB/s, like a slow link. The server paces itself
/// because the client's own limit cannot be relied on: curl 7.88.1 (Debian 12) ignores
/// <c>--limit-rate</c> on a local connection.</item>
/// </list>
/// </summary>
public sealed class DownloadServer : IAsyncDisposable
{
    public const int Segments = 4;
    private const int ChunkBytes = 64 * 1024;
    public static readonly TimeSpan SegmentDelay = TimeSpan.FromSeconds(1.5);
    public static readonly TimeSpan Stall = TimeSpan.FromSeconds(4);
    private readonly WebApplication _app;

    private DownloadServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>One MPEG-TS segment: 188-byte packets starting with the 0x47 sync byte.</summary>
    public static byte[] Segment(int index)
    {
        var packets = new byte[188 * 400];
        for (var offset = 0; offset < packets.Length; offset += 188)
        {
            packets[offset] = 0x47;
            packets[offset + 1] = (byte)index;
        }

        return packets;
    }

    public static async Task<DownloadServer> StartAsync(byte[] picture, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/photo.jpg", () => Results.Bytes(picture, "image/jpeg"));
        app.MapGet("/clip.m3u8", () =>
        {
            var playlist = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n");
            for (var i = 0; i < Segments; i++)
            {
                playlist.Append(CultureInfo.InvariantCulture, $"#EXTINF:2.0,\nseg{i}.ts\n");
            }

            return Results.Text(playlist.Append("#EXT-X-ENDLIST\n").ToString(), "application/vnd.apple.mpegurl");
        });
        app.MapGet("/seg{index:int}.ts", async (int index, CancellationToken aborted) =>
        {
            await Task.Delay(SegmentDelay, aborted);
            return Results.Bytes(Segment(index), "video/mp2t");
        });
        app.MapGet("/stalled.jpg", async (HttpResponse response, CancellationToken aborted) =>
        {
            response.ContentType = "image/jpeg";
            response.ContentLength = picture.Length;
            var half = picture.Length / 2;
            await response.Body.WriteAsync(picture.AsMemory(0, half), aborted);
            await response.Body.FlushAsync(aborted);
            await Task.Delay(Stall, aborted);
            await response.Body.WriteAsync(picture.AsMemory(half), aborted);
        });
        app.MapGet("/slow.jpg", async (HttpResponse response, CancellationToken aborted) =>
        {
            response.ContentType = "image/jpeg";
            response.ContentLength = picture.Length;
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            for (var offset = 0; offset < picture.Length; offset += ChunkBytes)
            {
                await response.Body.WriteAsync(picture.AsMemory(offset, Math.Min(ChunkBytes, picture.Length - offset)), aborted);
                await response.Body.FlushAsync(aborted);
                await pace.WaitForNextTickAsync(aborted);
            }
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DownloadServer(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
