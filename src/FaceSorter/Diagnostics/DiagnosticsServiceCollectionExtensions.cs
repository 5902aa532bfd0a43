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
    /// <see cref="Doctor"/> and the checks the configured mode needs: the ML checks in MachineLearning
    /// mode, the database checks when <c>DatabaseConnectionString</c> is set. Expects the options and
    /// the store from the host.
    /// </summary>
    public static IServiceCollection AddFaceSorterDoctor(this IServiceCollection services, ImmichMode mode, bool hasImmichDatabase)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddImmichServerClient();
        services.TryAddSingleton(provider => new StoreCheck(
            provider.GetRequiredService<Storage.IFaceSorterStore>(),
            provider.GetRequiredService<IOptions<DatabaseOptions>>().Value,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ImmichServerChecks>();

        // Immich's named faces only: the learned ones live in FaceSorter's store, which doctor never
        // writes and which may not exist yet (it is created on first run). Registered before the
        // mode's own GalleryLoader (TryAdd), so this one is used.
        services.TryAddSingleton(provider => new GalleryLoader(
            provider.GetRequiredKeyedService<Npgsql.NpgsqlDataSource>(MachineLearningServiceCollectionExtensions.ImmichDatabaseKey),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<GalleryLoader>>()));
        services.TryAddSingleton(_ => Settling.WriterVisibility.Detect());
        if (mode == ImmichMode.MachineLearning)
        {
            services.AddImmichMachineLearning();
            services.TryAddSingleton<MachineLearningChecks>();
        }

        if (hasImmichDatabase)
        {
            services.AddImmichGallery();
            services.TryAddSingleton<ImmichDatabaseChecks>();
        }

        services.TryAddSingleton<Doctor>();
        return services;
    }
}
