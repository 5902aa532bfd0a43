using FaceSorter.Decisions;
using FaceSorter.FollowUps;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Immich.Upload;

/// <summary>
/// <c>Immich:AssignApprovals</c>: each file the user put under <c>faces/&lt;person&gt;/</c> teaches
/// Immich that person, so Immich's own recognition sorts the next photo of them (docs/immich-facts.md,
/// "Teaching Immich"). The user's asset with the same content is found by its SHA-1
/// (<c>bulk-upload-check</c>, nothing is uploaded) and its largest face is looked at:
/// <list type="bullet">
/// <item>in an unnamed cluster: the cluster is merged into the person of that name when Immich has
/// one, else named (<c>PUT /people/{id}</c>), which names all the cluster's faces at once — moving
/// the one face alone would leave its siblings unnamed, and the next photo would match them;</item>
/// <item>unassigned: the face is assigned (<c>PUT /faces/{personId}</c>) to the person of that name,
/// created when Immich has none;</item>
/// <item>another named person's: that one face is moved, as the user corrected it;</item>
/// <item>already that person's: nothing to do.</item>
/// </list>
/// A person is found by sanitised name; a new one is named from the folder
/// (<see cref="PersonName.ToDisplayName"/>). What happened is recorded per content, so each approval
/// is handled once; an outage leaves the rest for the next round.
/// </summary>
public sealed class ApprovalAssigner(IApprovalAssignments store, ImmichServerClient immich, IOptions<ImmichOptions> options, TimeProvider clock, ILogger<ApprovalAssigner> logger)
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
            return "not told: " + WhyImmichLacksTheAsset();
        }

        var face = (await immich.GetFacesAsync(assetId, cancellationToken)).MaxBy(face => (face.BoundingBoxX2 - face.BoundingBoxX1) * (face.BoundingBoxY2 - face.BoundingBoxY1));
        if (face is null)
        {
            return "not told: Immich found no face in asset " + assetId;
        }

        var wanted = item.PersonName!;
        if (PersonName.Sanitize(face.Person?.Name) == wanted)
        {
            return "Immich already has the face as " + face.Person!.Name;
        }

        round.People ??= await immich.GetPeopleAsync(cancellationToken);
        var existing = round.People.FirstOrDefault(candidate => PersonName.Sanitize(candidate.Name) == wanted);
        if (face.Person is { Name: null or "" } cluster)
        {
            if (existing is not null)
            {
                return await immich.MergePeopleAsync(existing.Id, [cluster.Id], cancellationToken)
                    ? $"Immich's unnamed cluster {cluster.Id} (face {face.Id} of asset {assetId}) merged into {existing.Name}: all its faces are {existing.Name}'s now"
                    : $"not told: Immich refused to merge its unnamed cluster {cluster.Id} into {existing.Name}";
            }

            var named = await immich.NamePersonAsync(cluster.Id, PersonName.ToDisplayName(wanted), cancellationToken);
            round.People.Add(named); // a second photo of them in the same round joins this person
            return $"Immich's unnamed cluster {cluster.Id} (face {face.Id} of asset {assetId}) named {named.Name}: all its faces are {named.Name}'s now";
        }

        var person = existing;
        if (person is null)
        {
            person = await immich.CreatePersonAsync(PersonName.ToDisplayName(wanted), cancellationToken);
            round.People.Add(person);
        }

        await immich.AssignFaceAsync(person.Id, face.Id, cancellationToken);
        var before = face.Person is { } other ? $"moved from {other.Name}" : "unassigned before";
        return $"face {face.Id} of asset {assetId} assigned to {person.Name}{(existing is null ? " (a new person)" : "")}, {before}";
    }

    private string WhyImmichLacksTheAsset() => options.Value switch
    {
        { Mode: ImmichMode.MachineLearning } => "MachineLearning mode uploads nothing, and Immich has no asset with this content (FaceSorter learns the face itself)",
        { KeepAssets: false } => "Immich has no asset with this content (KeepAssets is false, so FaceSorter's upload was removed after sorting)",
        _ => "Immich has no asset with this content (it was deleted in Immich)",
    };

    /// <summary>Immich's people, read once per round and only when needed.</summary>
    private sealed class Round
    {
        public List<Api.PersonDto>? People { get; set; }
    }
}
