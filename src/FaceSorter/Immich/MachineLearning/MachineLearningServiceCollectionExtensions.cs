using FaceSorter.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceSorter.Immich.MachineLearning;

public static class MachineLearningServiceCollectionExtensions
{
    /// <summary>Service key of the <see cref="NpgsqlDataSource"/> for Immich's database (the app's own store may have another).</summary>
    public const string ImmichDatabaseKey = "FaceSorter:Immich:Database";

    /// <summary>
    /// MachineLearning mode (<c>Immich:Mode = MachineLearning</c>) for <paramref name="verb"/>: the ML face
    /// service for <c>run</c>, <c>scan</c> and <c>doctor</c>'s checks, and learning from approvals for
    /// <c>run</c>. Returns the parts the mode uses, for <c>doctor</c>: the Immich server only when
    /// <c>Immich:AssignApprovals</c> is on.
    /// </summary>
    public static FaceModeParts AddMachineLearningMode(this IServiceCollection services, ImmichOptions immich, FaceSorterVerb verb)
    {
        if (verb is FaceSorterVerb.Run or FaceSorterVerb.Scan or FaceSorterVerb.Doctor)
        {
            services.AddImmichMachineLearning();
        }

        if (verb == FaceSorterVerb.Run)
        {
            services.AddApprovalLearning();
        }

        return new FaceModeParts(
            ServerUnused: immich.AssignApprovals ? null : "not used in MachineLearning mode (nothing is uploaded)",
            MachineLearningUnused: null,
            DatabaseUnused: string.IsNullOrWhiteSpace(immich.DatabaseConnectionString)
                ? $"{ImmichOptions.Section}:DatabaseConnectionString is not set: MachineLearning mode needs it"
                : null);
    }

    /// <summary>
    /// MachineLearning mode: <see cref="IFaceService"/> = <see cref="MachineLearningFaceService"/>, the ML
    /// client, one data source for Immich's database, the gallery and its refresher, and
    /// <see cref="GalleryDistance"/>. Expects <see cref="ImmichOptions"/> to be bound by the host
    /// (<c>FaceSorter:Immich</c>); reads MachineLearningUrl, DatabaseConnectionString, ModelName,
    /// MinScore, MaxDistance, MinMargin, RequestTimeout, MaxRetryDelay and GalleryRefreshInterval.
    /// </summary>
    public static IServiceCollection AddImmichMachineLearning(this IServiceCollection services)
    {
        services.AddImmichGallery();
        services.AddHttpClient(nameof(MachineLearningClient), (provider, http) =>
        {
            var url = provider.GetRequiredService<IOptions<ImmichOptions>>().Value.MachineLearningUrl;

            // A trailing slash so "predict" resolves under a base path (http://host/ml/predict).
            http.BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/");

            // MachineLearningClient enforces RequestTimeout itself, on the injected TimeProvider.
            http.Timeout = Timeout.InfiniteTimeSpan;
        })

        // The client lives inside a singleton, so the factory never rotates its handler; let the
        // handler itself recycle connections, so a recreated ML container's new address is found.
        .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
        .AddTypedClient((http, provider) => new MachineLearningClient( // built by hand, as ImmichServerClient
            http,
            provider.GetRequiredService<IOptions<ImmichOptions>>(),
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<PreviewMaker>();
        services.TryAddSingleton<ImmichRequestSlots>();
        services.TryAddSingleton<MachineLearningFaceService>();
        services.TryAddSingleton<IFaceService>(provider => provider.GetRequiredService<MachineLearningFaceService>());
        return services;
    }

    /// <summary>
    /// Learning from the user's approvals (<see cref="ApprovalLearner"/>), for the daemon in
    /// MachineLearning mode. Needs the store and <see cref="AddImmichMachineLearning"/>.
    /// </summary>
    public static IServiceCollection AddApprovalLearning(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ApprovalLearner>());
        return services;
    }

    /// <summary>
    /// The named-face gallery read from Immich's database (<c>DatabaseConnectionString</c>), kept
    /// fresh by <see cref="GalleryRefresher"/>, and <see cref="GalleryDistance"/>: what
    /// MachineLearning mode matches against, and what gives Upload mode a real confidence.
    /// </summary>
    public static IServiceCollection AddImmichGallery(this IServiceCollection services)
    {
        services.AddOptions<ImmichOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(ImmichDatabaseKey, (provider, _) =>
            new NpgsqlDataSourceBuilder(provider.GetRequiredService<IOptions<ImmichOptions>>().Value.DatabaseConnectionString)
                .Build());
        services.TryAddSingleton<GalleryLoader>();
        services.TryAddSingleton<Gallery>();
        services.TryAddSingleton<FaceEmbeddingReader>();
        services.TryAddSingleton<GalleryDistance>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GalleryRefresher>());

        return services;
    }
}
