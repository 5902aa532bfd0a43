using System.Net;
using FaceSorter.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.App.Web;

/// <summary>
/// Refuses, with a 403 ProblemDetails, what another web page open in the user's browser could send to
/// this server behind the user's back (docs/contracts.md, "HTTP"; the Fetch Metadata and Origin headers
/// of the Fetch standard, RFC 6454 for origins):
/// <list type="bullet">
/// <item>a request that changes something (any method but GET, HEAD and OPTIONS) from another page than
/// this server's own: the browser names its source in <c>Sec-Fetch-Site</c> (anything but
/// <c>same-origin</c> or <c>none</c> is refused) or, in browsers without it, in <c>Origin</c> (refused
/// unless it is this server's own). <c>reject</c> and <c>disable</c> take no body, so a form or a
/// <c>no-cors</c> fetch from any site could send them without a CORS preflight: cross-site request
/// forgery deleted review files;</item>
/// <item>without a token (the server then listens on loopback only), any request whose <c>Host</c> is
/// not a loopback name: a site whose name is made to resolve to 127.0.0.1 (DNS rebinding) is the same
/// origin to the browser, and could read the pictures and change everything. With a token, no other
/// page knows it.</item>
/// </list>
/// Requests with none of these headers (curl, scripts) do not come from a browser's page and pass.
/// With a token, <c>Origin</c> is not compared with <c>Host</c> (a reverse proxy may rewrite <c>Host</c>);
/// every answer forbids framing by another page (<c>X-Frame-Options</c>, CSP <c>frame-ancestors</c>).
/// ASP.NET Core's host filtering is not used for the second: it answers a bare 400 and logs at Debug,
/// which leaves a user behind a reverse proxy without a reason.
/// </summary>
internal sealed class CrossSiteRequests(RequestDelegate next, IOptions<WebOptions> options, IProblemDetailsService problems, ILogger<CrossSiteRequests> logger)
{
    private readonly bool _loopbackOnly = options.Value.Token.Length == 0;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        // Never in a frame of another page, where a click on the page's own buttons would be another site's (clickjacking).
        context.Response.Headers.XFrameOptions = "DENY";
        context.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        var reason = _loopbackOnly ? ForeignHost(request) ?? FromAnotherPage(request, byOrigin: true) : FromAnotherPage(request, byOrigin: false);
        if (reason is null)
        {
            await next(context);
            return;
        }

        logger.WebRequestCrossSite(request.Method, request.Path, context.Connection.RemoteIpAddress?.ToString() ?? "?", reason);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status403Forbidden, Title = "Not from this server's own page", Detail = reason },
        });
    }

    private static string? ForeignHost(HttpRequest request)
    {
        var host = request.Host.Host;
        return host.Length == 0 || IsLoopbackName(host)
            ? null
            : $"'{request.Host}' is not a loopback name: without FaceSorter:Web:Token this server answers only as 127.0.0.1, localhost or [::1] (set a token to reach it under another name, e.g. behind a reverse proxy)";
    }

    private static bool IsLoopbackName(string host) =>
        IsLoopbackHost(host.EndsWith('.') ? host[..^1] : host); // "localhost." is the same name, fully qualified

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) // browsers resolve these to loopback themselves (RFC 6761 §6.3)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <param name="byOrigin">
    /// Whether a browser that sends no <c>Sec-Fetch-Site</c> is judged by <c>Origin</c> against <c>Host</c>: only
    /// without a token. Behind a reverse proxy that rewrites <c>Host</c> (nginx's default), the page's own
    /// <c>Origin</c> is not the <c>Host</c> the server sees, and browsers send no <c>Sec-Fetch-Site</c> to a
    /// plain-HTTP site that is not localhost; with a token, which no other page knows, that check is not needed.
    /// </param>
    private static string? FromAnotherPage(HttpRequest request, bool byOrigin)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return null;
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site is "same-origin" or "none" ? null : $"the browser says it was sent by another site's page (Sec-Fetch-Site: {site}); only this server's own page may change anything";
        }

        if (!byOrigin)
        {
            return null;
        }

        var origin = request.Headers.Origin.ToString();
        var own = $"{request.Scheme}://{request.Host}";
        return origin.Length == 0 || string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"it was sent by a page of {origin}, not by this server's own page ({own})";
    }
}
