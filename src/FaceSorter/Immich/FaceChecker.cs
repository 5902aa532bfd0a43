namespace FaceSorter.Immich;

/// <summary>
/// The Immich stage: asks the face service about one file. While the service is unavailable the file stays
/// in the drop folder and is retried with backoff (docs/contracts.md, "Immich": an outage never routes
/// files); in a one-shot <c>scan</c> the outage ends the file's journey instead.
/// </summary>
public sealed class FaceChecker(IFaceService faces, ImmichOutage outage)
{
    public async Task<FaceCheck> CheckAsync(FaceCheckRequest request, bool waitOutOutages, CancellationToken cancellationToken)
    {
        while (true)
        {
            await outage.WaitForRetryAsync(cancellationToken);
            try
            {
                var result = await faces.CheckAsync(request, cancellationToken);
                outage.ReportSuccess();
                return result;
            }
            catch (FaceServiceUnavailableException exception)
            {
                outage.ReportFailure(exception.Message);
                if (!waitOutOutages)
                {
                    throw;
                }
            }
        }
    }
}
