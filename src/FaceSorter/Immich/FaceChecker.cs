namespace FaceSorter.Immich;

/// <summary>
/// The Immich stage: asks the face service about one file. While the service is unavailable the file stays
/// in the drop folder and is retried with backoff (docs/contracts.md, "Immich": an outage never routes
/// files); in a one-shot <c>scan</c> the outage ends the file's journey instead.
/// </summary>
public sealed class FaceChecker(IFaceService faces, ImmichOutage outage, TimeProvider clock)
{
    // A file whose request fails this many times more, each time after the service answered other files,
    // is held: its failures are its own, and reporting them as an outage would hold up every file behind it.
    private const int FailuresWhileOthersAnswered = 3;
    private static readonly TimeSpan FileRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>The service's answer, after whatever it waits for.</summary>
    /// <exception cref="FaceServiceUnavailableException">Only when <paramref name="waitOutOutages"/> is false: the service cannot answer now.</exception>
    public async Task<FaceCheck> CheckAsync(FaceCheckRequest request, bool waitOutOutages, CancellationToken cancellationToken) =>
        await await StartAsync(request with { MatchLater = false }, waitOutOutages, cancellationToken);

    /// <summary>
    /// Completes when the file no longer needs its caller: with the answer, or, when the service answered
    /// <see cref="FaceCheck.Pending"/> (the request's <see cref="FaceCheckRequest.MatchLater"/>), with a task
    /// that gives it once the match is made (docs/matching.md, "Gallery load"). Neither holds the request's preview.
    /// </summary>
    /// <exception cref="FaceServiceUnavailableException">Only when <paramref name="waitOutOutages"/> is false: the service cannot answer now (from either task).</exception>
    public async Task<Task<FaceCheck>> StartAsync(FaceCheckRequest request, bool waitOutOutages, CancellationToken cancellationToken)
    {
        long? answersAtLastFailure = null;
        var failuresOfItsOwn = 0;
        while (true)
        {
            await outage.WaitForRetryAsync(cancellationToken);
            try
            {
                var result = await faces.CheckAsync(request, cancellationToken);
                outage.ReportSuccess();
                return result is FaceCheck.Pending pending
                    ? FinishAsync(pending, request with { Preview = null }, waitOutOutages, cancellationToken)
                    : Task.FromResult(result);
            }
            catch (FaceServiceUnavailableException exception)
            {
                if (answersAtLastFailure is { } before && outage.Answers > before)
                {
                    // The service answered other files since this one last failed (docs/immich-facts.md,
                    // "A failure that is the file's"): no outage; this file alone waits, then is held.
                    if (++failuresOfItsOwn >= FailuresWhileOthersAnswered)
                    {
                        throw new FaceServiceRefusedFileException(
                            $"it failed at Immich {failuresOfItsOwn + 1} times while Immich answered other files; the last time: {exception.Message}", exception);
                    }

                    answersAtLastFailure = outage.Answers;
                    await Task.Delay(FileRetryDelay * failuresOfItsOwn, clock, cancellationToken);
                    continue;
                }

                answersAtLastFailure = outage.Answers;
                outage.ReportFailure(exception.Message);
                if (!waitOutOutages)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>A pending match whose gallery load failed is checked again from the start, as if the service had failed then (its preview made anew from the file).</summary>
    private async Task<FaceCheck> FinishAsync(FaceCheck.Pending pending, FaceCheckRequest request, bool waitOutOutages, CancellationToken cancellationToken)
    {
        try
        {
            return await pending.Result;
        }
        catch (FaceServiceUnavailableException exception)
        {
            outage.ReportFailure(exception.Message);
            if (!waitOutOutages)
            {
                throw;
            }
        }

        return await CheckAsync(request, waitOutOutages, cancellationToken);
    }
}
