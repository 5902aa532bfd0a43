using FaceSorter.Decisions;
using FaceSorter.Review;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;

namespace FaceSorter.Immich.Upload;

/// <summary>
/// <c>Immich:AssignApprovals</c> (issue 5, part 7): each file the user put under
/// <c>faces/&lt;person&gt;/</c> is told to Immich, so Immich's own recognition learns it too. The
/// user's asset with the same content is found by its SHA-1 (<c>bulk-upload-check</c>, nothing is
/// uploaded), its largest face is assigned to the person of that name (created when Immich has none)
/// with <c>PUT /faces/{personId}</c>, which reuses Immich's ML face, so clustering keeps using it
/// (IMMICH.md 7). What happened is recorded per content, so each approval is handled once; an
/// outage leaves the rest for the next round.
/// </summary>
public sealed class ApprovalAssigner(IFaceSorterStore store, ImmichServerClient immich, TimeProvider clock, ILogger<ApprovalAssigner> logger)
    : FollowUpService(Interval, clock, logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private const int BatchSize = 50;

    protected override string What => "Telling Immich about approvals";

    protected override Task RunRoundAsync(CancellationToken cancellationToken) => AssignAsync(cancellationToken);

    /// <exception cref="FaceServiceUnavailableException">Immich cannot be asked now.</exception>
    internal async Task AssignAsync(CancellationToken cancellationToken)
    {
        var round = new Round();
        foreach (var item in await store.ListUnassignedApprovalsAsync(BatchSize, cancellationToken))
        {
            var outcome = await AssignAsync(item, round, cancellationToken);
            await store.SetAssignmentAsync(item.FileHash!, item.PersonName!, outcome, cancellationToken);
            logger.ApprovalAssigned(item.FilePath, item.PersonName!, outcome);
        }
    }

    private async Task<string> AssignAsync(DownloadItem item, Round round, CancellationToken cancellationToken)
    {
        string sha1;
        try
        {
            sha1 = await ImmichChecksum.OfFileAsync(item.FilePath, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "not told: the file cannot be read (" + exception.Message + ")";
        }

        if (await immich.FindAssetAsync(sha1, cancellationToken) is not { } assetId)
        {
            return "not told: Immich does not have this content (KeepAssets is false, or the asset was deleted)";
        }

        var face = (await immich.GetFacesAsync(assetId, cancellationToken)).MaxBy(face => (face.BoundingBoxX2 - face.BoundingBoxX1) * (face.BoundingBoxY2 - face.BoundingBoxY1));
        if (face is null)
        {
            return "not told: Immich found no face in asset " + assetId;
        }

        if (PersonName.Sanitize(face.Person?.Name ?? "") == item.PersonName)
        {
            return "Immich already has the face as " + face.Person!.Name;
        }

        round.People ??= await immich.GetPeopleAsync(cancellationToken);
        var person = round.People.FirstOrDefault(candidate => PersonName.Sanitize(candidate.Name ?? "") == item.PersonName);
        if (person is null)
        {
            person = await immich.CreatePersonAsync(item.PersonName!, cancellationToken);
            round.People.Add(person); // a second file of this new person in the same round joins it
        }

        await immich.AssignFaceAsync(person.Id, face.Id, cancellationToken);
        return $"face {face.Id} of asset {assetId} assigned to {person.Name}";
    }

    /// <summary>Immich's people, read once per round and only when needed.</summary>
    private sealed class Round
    {
        public List<Api.PersonDto>? People { get; set; }
    }
}
