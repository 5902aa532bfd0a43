using FaceSorter.Immich;
using FaceSorter.Options;
using FaceSorter.Pipeline;
using FaceSorter.Review;
using FaceSorter.Storage;
using FaceSorter.Watching;
using Microsoft.Extensions.Options;

namespace FaceSorter.App.Web;

/// <summary>What the endpoints need, bound with <c>[AsParameters]</c> so each handler's signature stays short.</summary>
internal sealed class WebServices(
    IReviewQueue reviewQueue,
    ISortStatistics statistics,
    ReviewActions actions,
    SortingSettings settings,
    ImmichOutage outage,
    SortingPipeline pipeline,
    DropFolderMonitor monitor,
    ThumbnailCache thumbnails,
    TimeProvider clock,
    IOptions<DirectoriesOptions> directories)
{
    public IReviewQueue ReviewQueue { get; } = reviewQueue;
    public ISortStatistics Statistics { get; } = statistics;
    public ReviewActions Actions { get; } = actions;
    public SortingSettings Settings { get; } = settings;
    public ImmichOutage Outage { get; } = outage;
    public SortingPipeline Pipeline { get; } = pipeline;
    public DropFolderMonitor Monitor { get; } = monitor;
    public ThumbnailCache Thumbnails { get; } = thumbnails;
    public TimeProvider Clock { get; } = clock;
    public IOptions<DirectoriesOptions> Directories { get; } = directories;
}
