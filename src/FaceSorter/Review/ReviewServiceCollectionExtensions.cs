using FaceSorter.Hashing;
using FaceSorter.Moving;
using FaceSorter.NearDuplicates;
using FaceSorter.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FaceSorter.Review;

public static class ReviewServiceCollectionExtensions
{
    /// <summary>
    /// The review watcher (file-manager moves and deletes become approvals and rejections) and the
    /// CLI/web review actions. Call after <c>AddFaceSorterPipeline</c>: hosted services start in
    /// order, so the store is migrated and the move journal recovered before the monitor reads records.
    /// </summary>
    public static IServiceCollection AddFaceSorterReview(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Hasher>();
        services.TryAddSingleton<OwnMoves>();
        services.TryAddSingleton(provider =>
        {
            var directories = provider.GetRequiredService<IOptions<DirectoriesOptions>>().Value;
            return new ReviewTree(directories.Faces, directories.Review);
        });
        services.TryAddSingleton<FingerprintRequests>();
        services.TryAddSingleton<ReviewReconciler>();
        services.AddFaceSorterReviewActions();
        services.TryAddSingleton<ReviewMonitor>();
        services.AddHostedService(provider => provider.GetRequiredService<ReviewMonitor>());
        return services;
    }

    /// <summary>
    /// The second look at pending review items (<see cref="SecondLook"/>). Needs the pipeline's
    /// face service, outage tracker and sorting settings, so it is added after them by <c>run</c>.
    /// </summary>
    public static IServiceCollection AddFaceSorterSecondLook(this IServiceCollection services)
    {
        services.AddFaceSorterReviewActions();
        services.AddHostedService<SecondLook>();
        return services;
    }

    /// <summary>
    /// <see cref="ReviewActions"/> alone: usable by <c>run</c> (web page) and by the query-only hosts
    /// of the CLI verbs, which have no pipeline.
    /// </summary>
    public static IServiceCollection AddFaceSorterReviewActions(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OwnMoves>();
        services.TryAddSingleton<FileMover>();
        services.TryAddSingleton<Hasher>(); // a rejection tried again compares the content first
        services.TryAddSingleton<StoreLocation>();
        services.TryAddSingleton<ReviewThumbnails>();
        services.TryAddSingleton<ReviewActions>();
        return services;
    }
}
