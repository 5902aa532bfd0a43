using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FaceSorter.IntegrationTests.Web.Support;

/// <summary>An in-process ntfy-style receiver on a free loopback port: collects the plain-text bodies POSTed to it.</summary>
public sealed class NotificationReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private NotificationReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }
    public ConcurrentQueue<string> Messages { get; } = new();

    public static async Task<NotificationReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        NotificationReceiver? receiver = null;
        app.MapPost("/facesorter-topic", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            receiver!.Messages.Enqueue(await reader.ReadToEndAsync(request.HttpContext.RequestAborted));
            return Results.Ok();
        });
        await app.StartAsync(cancellationToken);
        receiver = new NotificationReceiver(app, new Uri(new Uri(app.Urls.First()), "/facesorter-topic"));
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
