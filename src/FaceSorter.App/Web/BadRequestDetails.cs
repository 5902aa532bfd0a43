using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace FaceSorter.App.Web;

/// <summary>
/// A request whose parameters or JSON body cannot be read (<c>{"person":</c>, <c>{"person": 7}</c>,
/// <c>?page=abc</c>) is answered with a 400 ProblemDetails (RFC 9457) whose <c>detail</c> says what could not be
/// read, in ASP.NET Core's words (<see cref="BadHttpRequestException.Message"/>); it had been a bare "Bad Request".
/// The route handlers throw it because <c>RouteHandlerOptions.ThrowOnBadRequest</c> is set (<see cref="WebExtensions"/>);
/// handled here, it is a client's mistake and logs no error (ASP.NET Core 10 logs no diagnostics for an exception
/// an <see cref="IExceptionHandler"/> handled).
/// </summary>
internal sealed class BadRequestDetails(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = badRequest.StatusCode, Title = "Unreadable request", Detail = Detail(badRequest.Message, httpContext.Request.Path) },
        });
    }

    /// <summary>
    /// ASP.NET Core's words without its C# names (<c>Failed to bind parameter "Nullable&lt;int&gt; page" from "abc".</c>):
    /// the parameter and the value for a query or route value, the body's expected shape (by <paramref name="path"/>) for a body.
    /// </summary>
    internal static string Detail(string message, string path)
    {
        if (System.Text.RegularExpressions.Regex.Match(message, "^Failed to bind parameter \"(?:.* )?(?<name>[^ ]+)\" from \"(?<value>.*)\"\\.$") is { Success: true } binding)
        {
            // Every query value the API takes is a whole number with limits of its own (docs/contracts.md, "HTTP").
            return $"{binding.Groups["name"].Value} = '{binding.Groups["value"].Value}' is not valid: use a whole number within its range";
        }

        if (!message.Contains("body", StringComparison.OrdinalIgnoreCase))
        {
            return message;
        }

        return path.EndsWith("/approve", StringComparison.Ordinal)
            ? "the request body is not the JSON approve takes: an object with the person's name as a string, {\"person\": \"Name\"}"
            : "the request body is not JSON of the shape this endpoint takes (docs/contracts.md, \"HTTP\")";
    }
}
