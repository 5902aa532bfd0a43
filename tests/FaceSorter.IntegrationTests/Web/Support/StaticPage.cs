using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FaceSorter.IntegrationTests.Web.Support;

/// <summary>Another site for the browser: one HTML page at <c>/</c>, served on a free loopback port.</summary>
public sealed class StaticPage : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StaticPage(WebApplication app) => _app = app;

    /// <summary>The page's address, <c>http://127.0.0.1:PORT/</c>.</summary>
    public string Url => _app.Urls.First() + "/";

    public static async Task<StaticPage> StartAsync(string html, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(html, "text/html"));
        await app.StartAsync(cancellationToken);
        return new StaticPage(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
