using FaceSorter.Immich;
using FaceSorter.Immich.MachineLearning;
using FaceSorter.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FaceSorter.Diagnostics;

public static class DiagnosticsServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="Doctor"/> and the checks of the parts the face mode uses (<paramref name="parts"/>,
    /// from the mode's own registration, which also registered the services those checks need).
    /// Expects the options and the store from the host; call after the mode's registration.
    /// </summary>
    public static IServiceCollection AddFaceSorterDoctor(this IServiceCollection services, FaceModeParts parts)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(parts);
        services.AddImmichServerClient();
        services.TryAddSingleton(provider => new StoreCheck(
            provider.GetRequiredService<Storage.ISortStatistics>(),
            provider.GetRequiredService<IOptions<DatabaseOptions>>().Value,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ImmichServerChecks>();
        services.TryAddSingleton(_ => Settling.WriterVisibility.Detect());
        if (parts.MachineLearningUnused is null)
        {
            services.TryAddSingleton<MachineLearningChecks>();
        }

        if (parts.DatabaseUnused is null)
        {
            // Immich's named faces only: the learned ones live in FaceSorter's store, which doctor
            // never writes and which may not exist yet (it is created on first run). Replaces the
            // mode's GalleryLoader.
            services.AddImmichGallery();
            services.Replace(ServiceDescriptor.Singleton(provider => new GalleryLoader(
                provider.GetRequiredKeyedService<Npgsql.NpgsqlDataSource>(MachineLearningServiceCollectionExtensions.ImmichDatabaseKey),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<GalleryLoader>>())));
            services.TryAddSingleton<ImmichDatabaseChecks>();
        }

        services.TryAddSingleton<Doctor>();
        return services;
    }
}
