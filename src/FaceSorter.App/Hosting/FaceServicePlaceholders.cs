using FaceSorter.Immich;
using Microsoft.Extensions.DependencyInjection;

namespace FaceSorter.App.Hosting;

// Temporary until the Upload and MachineLearning face services are merged.
internal static class FaceServicePlaceholders
{
    public static IServiceCollection AddImmichMachineLearningPlaceholder(this IServiceCollection services) =>
        services.AddSingleton<IFaceService, Unavailable>();

    private sealed class Unavailable : IFaceService
    {
        public Task<FaceCheck> CheckAsync(FaceCheckRequest request, CancellationToken cancellationToken) =>
            throw new FaceServiceUnavailableException("no face service in this build");
    }
}
