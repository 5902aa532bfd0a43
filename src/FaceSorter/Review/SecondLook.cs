using System.Runtime.CompilerServices;
using FaceSorter.Decisions;
using FaceSorter.FollowUps;
using FaceSorter.Hashing;
using FaceSorter.Immich.MachineLearning;
using FaceSorter.Immich;
using FaceSorter.Options;
using FaceSorter.Pipeline;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Review;

/// <summary>
/// Issue 5, part 8: pending items in <c>review/unidentified</c> and <c>review/low_confidence</c> are
/// asked about again every <c>Review:RecheckInterval</c>, and sooner when the named-face gallery
/// has grown (Immich's nightly recognition names people late). A now-confident match (the decision
/// rules say "sort") becomes the row's <c>suggested_person</c>; the file is moved only with
/// <c>Review:AutoMoveOnRecheck</c>, as an approval by <c>recheck</c>. Items are looked at one at a
/// time so the pipeline keeps the service; an outage or paused sorting ends the round early.
/// </summary>
public sealed class SecondLook(
    IReviewQueue store,
    IFaceService faces,
    ImmichOutage outage,
    SortingSettings settings,
    ReviewActions actions,
    IOptions<ReviewOptions> options,
    TimeProvider clock,
    ILogger<SecondLook> logger,
    Gallery? gallery = null) : FollowUpService(Period(options.Value.RecheckInterval), clock, logger)
{
    public const string ReviewedBy = "recheck";

    private static readonly TimeSpan GalleryCheck = TimeSpan.FromMinutes(1);
    private static readonly string[] Rechecked = [ReviewCategories.Unidentified, ReviewCategories.LowConfidence];

    private DateTimeOffset _nextRound = clock.GetUtcNow() + options.Value.RecheckInterval;

    // 1 when the gallery grew since the last round. Set by the gallery's own event, so growth that
    // happens before the first round (the gallery is first loaded after this class is made) counts too.
    private readonly StrongBox<int> _galleryGrew = WatchGrowth(gallery);

    protected override string What => "Second look at review items";

    private static StrongBox<int> WatchGrowth(Gallery? gallery)
    {
        var grew = new StrongBox<int>();
        if (gallery is not null)
        {
            gallery.Grew += () => Interlocked.Exchange(ref grew.Value, 1);
        }

        return grew;
    }

    /// <summary>Ticks at the recheck interval, or every minute to notice a grown gallery sooner.</summary>
    private static TimeSpan Period(TimeSpan interval) => interval < GalleryCheck ? interval : GalleryCheck;

    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        var grown = Interlocked.Exchange(ref _galleryGrew.Value, 0) == 1;
        if (grown || Clock.GetUtcNow() >= _nextRound)
        {
            await LookAgainAsync(cancellationToken);
            _nextRound = Clock.GetUtcNow() + options.Value.RecheckInterval;
        }
    }

    /// <summary>One round over the pending items; returns how many got a new suggestion.</summary>
    internal async Task<int> LookAgainAsync(CancellationToken cancellationToken)
    {
        var items = new List<ReviewItem>();
        foreach (var category in Rechecked)
        {
            items.AddRange(await store.ListReviewAsync(category, ReviewAction.Pending, cancellationToken));
        }

        var suggested = 0;
        foreach (var item in items.Where(item => item.FileHash is not null && !Path.GetFileName(item.FilePath).StartsWith(SortReason.Invalid.Prefix(), StringComparison.Ordinal)))
        {
            if (!settings.Enabled || outage.IsDown)
            {
                break;
            }

            if (await LookAgainAsync(item, cancellationToken))
            {
                suggested++;
            }
        }

        logger.SecondLookDone(items.Count, suggested);
        return suggested;
    }

    private async Task<bool> LookAgainAsync(ReviewItem item, CancellationToken cancellationToken)
    {
        FaceCheck check;
        try
        {
            var length = new FileInfo(item.FilePath).Length;
            if (ImageSniffer.WhyNotAnImage(item.FilePath, length) is not null)
            {
                return false; // ruled out by its bytes (rule 0), though renamed without its invalid_ prefix: nothing to ask
            }

            check = await faces.CheckAsync(new FaceCheckRequest(item.FilePath, item.FileHash!, length), cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false; // moved or deleted by the user meanwhile: the review watcher records that
        }
        catch (FaceServiceUnavailableException exception)
        {
            outage.ReportFailure(exception.Message);
            return false;
        }

        if (check is not FaceCheck.Analyzed analyzed
            || Decider.Decide(DecisionInput.WithFaces(analyzed.Faces), settings.Rules) is not { IsSorted: true, Person: { } person } decision
            || (item.SuggestedPerson == person && item.Confidence == decision.Confidence && !options.Value.AutoMoveOnRecheck)
            || !await store.SuggestPersonAsync(item.Id, person, decision.Confidence, cancellationToken))
        {
            return false;
        }

        logger.SecondLookMatched(item.FilePath, person, decision.Detail, item.Id);
        if (options.Value.AutoMoveOnRecheck)
        {
            await actions.ApproveAsync(item.Id, person, ReviewedBy, cancellationToken);
        }

        return true;
    }
}
