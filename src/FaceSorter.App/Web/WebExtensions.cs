using FaceSorter.Immich;
using FaceSorter.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FaceSorter.App.Web;

internal static class WebExtensions
{
    public static IServiceCollection AddFaceSorterWeb(this IServiceCollection services)
    {
        services.AddProblemDetails();
        return services;
    }

    public static IEndpointRouteBuilder MapFaceSorterWeb(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/smart-download");
        api.MapGet("/status", (SortingSettings settings, ImmichOutage outage, SortingPipeline pipeline) => TypedResults.Ok(new
        {
            enabled = settings.Enabled,
            immich = outage.IsDown ? "down" : "up",
            immich_error = outage.Reason,
            queue_depth = pipeline.Depth,
        }));
        return app;
    }
}
