using FaceSorter.Immich.Upload;
using FaceSorter.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Immich;

public static class ImmichServiceCollectionExtensions
{
    /// <summary>
    /// Upload mode: the typed <see cref="ImmichServerClient"/> (base address <c>Immich:Url</c>, timeout
    /// <c>Immich:RequestTimeout</c>) and <see cref="IFaceService"/> → <see cref="UploadFaceService"/>.
    /// Expects <c>IOptions&lt;ImmichOptions&gt;</c> and <see cref="TimeProvider"/> from the host.
    /// </summary>
    public static IServiceCollection AddImmichUpload(this IServiceCollection services)
    {
        services.AddImmichServerClient();
        services.TryAddSingleton<ImmichRequestSlots>();
        services.TryAddSingleton<UploadFaceService>();
        services.AddSingleton<IFaceService>(provider => provider.GetRequiredService<UploadFaceService>());
        return services;
    }

    /// <summary><c>Immich:AssignApprovals</c>: tell Immich about the user's approvals (<see cref="ApprovalAssigner"/>). Needs the store.</summary>
    public static IServiceCollection AddApprovalAssignment(this IServiceCollection services)
    {
        services.AddImmichServerClient();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, ApprovalAssigner>());
        return services;
    }

    /// <summary>
    /// The REST client alone (also what <c>doctor</c> needs). The face service is a singleton that
    /// keeps its client, so the handler is not rotated by the factory; pooled connections are
    /// recycled instead, so a changed DNS entry is still picked up (the documented pattern for
    /// typed clients held by singletons).
    /// </summary>
    public static IServiceCollection AddImmichServerClient(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services
            .AddHttpClient(nameof(ImmichServerClient), (provider, http) =>
            {
                var options = provider.GetRequiredService<IOptions<ImmichOptions>>().Value;
                http.BaseAddress = ImmichServerClient.BaseAddressFor(options.Url);
                http.Timeout = Timeout.InfiniteTimeSpan; // ImmichServerClient times each request itself (RequestTimeout; an upload's from its last progress)
            })
            // Built by hand: the default typed-client factory compiles an expression tree at the first
            // resolution, about 3 MB of resident memory for one constructor call (docs/operations.md,
            // "Runtime settings").
            .AddTypedClient((http, provider) => new ImmichServerClient(
                http,
                provider.GetRequiredService<IOptions<ImmichOptions>>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<ImmichServerClient>>()))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return services;
    }
}
