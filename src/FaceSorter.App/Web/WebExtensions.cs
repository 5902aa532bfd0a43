using System.Text.Json;
using FaceSorter.Review;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace FaceSorter.App.Web;

internal static class WebExtensions
{
    /// <summary>The review page, the JSON API, and the token check (docs/contracts.md, "HTTP").</summary>
    public static IServiceCollection AddFaceSorterWeb(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // ASP.NET Core answers a body that is not JSON with a bare 415, without throwing (BadRequestDetails has the rest).
            if (context.ProblemDetails.Status == Microsoft.AspNetCore.Http.StatusCodes.Status415UnsupportedMediaType)
            {
                context.ProblemDetails.Detail ??= "send the body as JSON, with Content-Type: application/json";
            }
            else if (context.ProblemDetails.Status == Microsoft.AspNetCore.Http.StatusCodes.Status405MethodNotAllowed)
            {
                var request = context.HttpContext.Request;
                context.ProblemDetails.Detail ??= $"{request.Path} does not take {request.Method}; it takes {context.HttpContext.Response.Headers.Allow}";
            }
            else if (context.ProblemDetails.Status == Microsoft.AspNetCore.Http.StatusCodes.Status404NotFound)
            {
                // No route matched (POST …/review/abc/reject: an id is a whole number); the API's own 404s say what is missing.
                var request = context.HttpContext.Request;
                context.ProblemDetails.Detail ??= $"nothing answers {request.Method} {request.Path}: the API's paths are in docs/contracts.md, \"HTTP\" (a review item's id is a whole number)";
            }
        });
        services.AddExceptionHandler<BadRequestDetails>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true); // for BadRequestDetails' detail
        // The seed's JSON is snake_case (review rows, stats, status): records follow it by policy.
        services.Configure<JsonOptions>(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        services.AddFaceSorterReviewActions();
        services.AddSingleton<ThumbnailCache>();
        return services;
    }

    public static WebApplication MapFaceSorterWeb(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<CrossSiteRequests>(); // before the token: another site's page is refused whatever it carries
        app.UseMiddleware<WebToken>();
        app.MapPageAssets();
        app.MapReviewApi();
        app.MapStatusApi();
        return app;
    }
}
