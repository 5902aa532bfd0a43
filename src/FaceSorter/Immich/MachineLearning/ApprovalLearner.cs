using FaceSorter.FollowUps;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// Issue 5, part 7: every file the user put under <c>faces/&lt;person&gt;/</c> (an approval, a
/// correction or a manual addition) has its face learned as a named reference for that person, in
/// FaceSorter's own store, and the gallery is reloaded so the next file is matched against it
/// without waiting for Immich to be told. The face is the largest one the ML service finds at or
/// above <c>MinScore</c>. The store is the truth (approvals come from the review watcher, the web
/// page, the CLI and other daemons), so it is polled every <see cref="Interval"/>.
/// </summary>
public sealed class ApprovalLearner(
    ILearnedFaces store,
    MachineLearningClient client,
    Gallery gallery,
    IOptions<ImmichOptions> options,
    TimeProvider clock,
    ILogger<ApprovalLearner> logger) : FollowUpService(Interval, clock, logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private const int BatchSize = 50;

    protected override string What => "Learning from approvals";

    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        if (await LearnAsync(cancellationToken) > 0)
        {
            await gallery.ReloadAsync(cancellationToken);
        }
    }

    /// <summary>Learns from up to one batch of new approvals; returns how many faces were learned.</summary>
    /// <exception cref="FaceServiceUnavailableException">The ML service cannot be asked now.</exception>
    internal async Task<int> LearnAsync(CancellationToken cancellationToken)
    {
        var learned = 0;
        foreach (var item in await store.ListUnlearnedApprovalsAsync(BatchSize, cancellationToken))
        {
            var embedding = await FaceOfAsync(item, cancellationToken);
            await store.SetLearnedFaceAsync(item.FileHash!, item.PersonName!, embedding ?? [], cancellationToken);
            if (embedding is not null)
            {
                logger.FaceLearned(item.PersonName!, item.FilePath);
                learned++;
            }
        }

        return learned;
    }

    private async Task<float[]?> FaceOfAsync(DownloadItem item, CancellationToken cancellationToken)
    {
        FacePrediction prediction;
        try
        {
            await using var image = new FileStream(item.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.Asynchronous);
            prediction = await client.PredictFacesAsync(image, item.FilePath, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            logger.NothingToLearn(item.FilePath, item.PersonName!, exception.Message);
            return null;
        }

        if (prediction is FacePrediction.ServerError failed)
        {
            throw new FaceServiceUnavailableException(failed.Reason);
        }

        var face = (prediction as FacePrediction.Detected)?.Faces
            .Where(face => face.Score >= options.Value.MinScore)
            .MaxBy(face => face.Box.Area);
        if (face is null)
        {
            logger.NothingToLearn(item.FilePath, item.PersonName!, prediction is FacePrediction.Unreadable unreadable ? unreadable.Reason : "no face found");
        }

        return face?.Embedding;
    }
}
