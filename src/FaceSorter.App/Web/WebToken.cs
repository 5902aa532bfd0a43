using System.Security.Cryptography;
using System.Text;
using FaceSorter.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.App.Web;

/// <summary>
/// When <c>FaceSorter:Web:Token</c> is set (required by validation when <c>Web:Urls</c> is not
/// loopback), every request must carry it: <c>Authorization: Bearer …</c>, <c>X-FaceSorter-Token</c>,
/// or <c>?token=</c> (for opening the page in a browser; the page then sends the header itself).
/// The page's static shell (<see cref="PageAssets.IsStaticShell"/>: HTML, JS, CSS, no data) is served
/// without it, so the stylesheet and script load; every API endpoint still requires it.
/// Compared in constant time. Without a token the server only listens on loopback.
/// Its services come through the constructor: an <c>InvokeAsync</c> with more parameters than the
/// context makes ASP.NET Core compile an expression tree for the call (docs/operations.md, "Runtime settings").
/// </summary>
internal sealed class WebToken(RequestDelegate next, IOptions<WebOptions> options, IProblemDetailsService problems, ILogger<WebToken> logger)
{
    public const string HeaderName = "X-FaceSorter-Token";
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(options.Value.Token);

    public async Task InvokeAsync(HttpContext context)
    {
        var presented = _expected.Length == 0 || PageAssets.IsStaticShell(context.Request.Path) ? null : Presented(context.Request);
        if (presented is null || Matches(presented))
        {
            await next(context);
            return;
        }

        // RFC 6750 §3: a request without credentials gets a bare challenge, a wrong token "invalid_token".
        var missing = presented.Length == 0;
        logger.WebRequestRefused(context.Connection.RemoteIpAddress?.ToString() ?? "?", context.Request.Path, missing ? "no token" : "a wrong token");
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = missing ? "Bearer" : "Bearer error=\"invalid_token\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = missing ? "Token required" : "Wrong token",
                Detail = missing
                    ? $"send the FaceSorter:Web:Token as 'Authorization: Bearer <token>', as '{HeaderName}', or open the page with ?token=<token>"
                    : "the token sent is not FaceSorter:Web:Token of this daemon's config file; send that value",
            },
        });
    }

    /// <summary>The token the request carries, or "" for none.</summary>
    private static string Presented(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        var header = request.Headers[HeaderName].ToString();
        return header.Length > 0 ? header : request.Query["token"].ToString();
    }

    private bool Matches(string presented) =>
        presented.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _expected);
}
