using FaceSorter.Moving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaceSorter.Review;

public static class ReviewServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="ReviewActions"/> with the mover it needs; usable by <c>run</c> (web page) and by the
    /// query-only hosts of the CLI verbs, which have no pipeline.
    /// </summary>
    public static IServiceCollection AddFaceSorterReviewActions(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OwnMoves>();
        services.TryAddSingleton<FileMover>();
        services.TryAddSingleton<ReviewActions>();
        return services;
    }
}
