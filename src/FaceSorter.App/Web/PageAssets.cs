using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FaceSorter.App.Web;

/// <summary>
/// The review page: three static files (HTML, JS, CSS, no build step) embedded in the executable, so
/// the page works wherever the binary runs, whatever the content root (the config file's folder).
/// </summary>
internal static class PageAssets
{
    private static readonly Dictionary<string, (string Resource, string ContentType)> Files = new(StringComparer.Ordinal)
    {
        ["/"] = ("FaceSorter.App.Web.Page.index.html", "text/html; charset=utf-8"),
        ["/app.js"] = ("FaceSorter.App.Web.Page.app.js", "text/javascript; charset=utf-8"),
        ["/app.css"] = ("FaceSorter.App.Web.Page.app.css", "text/css; charset=utf-8"),
    };

    /// <summary>
    /// True for the page's static shell (the three files above and the browser's favicon request):
    /// they hold no data, so <see cref="WebToken"/> lets them through without the token. A browser
    /// opened on <c>/?token=…</c> fetches <c>app.css</c> and <c>app.js</c> without the query, and
    /// app.js then sends the token itself on every API call and image address.
    /// </summary>
    public static bool IsStaticShell(PathString path) =>
        path.HasValue && (Files.ContainsKey(path.Value!) || path.Value == "/favicon.ico");

    public static IEndpointRouteBuilder MapPageAssets(this IEndpointRouteBuilder app)
    {
        foreach (var (path, (resource, contentType)) in Files)
        {
            app.MapGet(path, () => Serve(resource, contentType)).ExcludeFromDescription();
        }

        return app;
    }

    private static FileStreamHttpResult Serve(string resource, string contentType) =>
        TypedResults.Stream(typeof(PageAssets).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded page file {resource} is missing from the build"), contentType);
}
