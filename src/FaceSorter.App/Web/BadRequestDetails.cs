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
            ProblemDetails = { Status = badRequest.StatusCode, Title = "Unreadable request", Detail = badRequest.Message },
        });
    }
}
