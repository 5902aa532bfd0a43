using FaceSorter.Decisions;
using FaceSorter.Immich;
using FaceSorter.Immich.Api;
using FaceSorter.Options;
using Microsoft.Extensions.Options;

namespace FaceSorter.Diagnostics;

/// <summary>
/// Immich's server: reachable, a supported version, an API key it takes — whose it is, whether an
/// admin's and what a non-admin key costs — and whether every whitelisted and blacklisted name is a
/// named, visible person of that user (Immich matches faces only against the key owner's people,
/// and only such a person counts: <see cref="PersonRule"/>).
/// </summary>
public sealed class ImmichServerChecks(ImmichServerClient immich, IOptions<SortingOptions> sorting, IOptions<ImmichOptions> immichOptions)
{
    private const string UrlKey = ImmichOptions.Section + ":Url";
    private const string KeyKey = ImmichOptions.Section + ":ApiKey";

    public async Task<IReadOnlyList<DoctorCheck>> RunAsync(CancellationToken cancellationToken)
    {
        var checks = new List<DoctorCheck>();
        ImmichServerVersion version;
        try
        {
            if (!await immich.PingAsync(cancellationToken))
            {
                return [DoctorCheck.Failed("Immich server", $"{immich.Url} answered the ping without \"pong\"", $"check that {UrlKey} is Immich's address (port 2283 by default)")];
            }

            version = await immich.GetVersionAsync(cancellationToken);
        }
        catch (FaceServiceUnavailableException exception)
        {
            return [DoctorCheck.Failed("Immich server", exception.Message, $"start Immich, or set {UrlKey} to its address (e.g. http://immich-host:2283)")];
        }

        checks.Add(version.IsSupported
            ? DoctorCheck.Ok("Immich server", $"Immich {version} at {immich.Url}")
            : DoctorCheck.Failed("Immich server", $"Immich {version} at {immich.Url} is older than {ImmichServerVersion.OldestSupported}", "upgrade Immich"));

        if (string.IsNullOrWhiteSpace(immichOptions.Value.ApiKey))
        {
            checks.Add(DoctorCheck.Failed(
                "Immich API key",
                $"no API key is set ({KeyKey}, {KeyKey}File, or the systemd credential immich-api-key)",
                $"create an API key in Immich (Account settings → API keys) and put it in a file only you and the service can read, named by {KeyKey}File; a key the unit passes with LoadCredential= reaches the service only, not a doctor you run yourself"));
            return checks;
        }

        try
        {
            var user = await immich.GetMyUserAsync(cancellationToken);
            var who = $"the key is {user.Name ?? user.Email ?? user.Id}'s; faces are matched against that user's people only";
            var wait = immichOptions.Value.FaceWaitTimeout;
            checks.Add(user.IsAdmin
                ? DoctorCheck.Ok("Immich API key", who + " (an admin: FaceSorter reads the face job queues and decides as soon as Immich is done)")
                : DoctorCheck.Warning(
                    "Immich API key",
                    who + $", not an admin's: the job queues are unreadable, so a photo with no face or an unassigned face is decided only after FaceWaitTimeout ({wait}) in Upload mode",
                    "use an admin's API key (Account settings → API keys, as an admin) for answers in about a second"));
            checks.Add(await PeopleCheckAsync(user, cancellationToken));
        }
        catch (FaceServiceUnavailableException exception)
        {
            checks.Add(DoctorCheck.Failed("Immich API key", exception.Message, $"create an API key in Immich (Account settings → API keys) and set {KeyKey} (or FACESORTER__Immich__ApiKey)"));
        }

        return checks;
    }

    /// <summary>Every whitelisted and blacklisted name should be a named, visible person of the key's user.</summary>
    private async Task<DoctorCheck> PeopleCheckAsync(ImmichUser user, CancellationToken cancellationToken)
    {
        var wanted = sorting.Value.Whitelist.Select(name => ("Whitelist", name)).Concat(sorting.Value.Blacklist.Select(name => ("Blacklist", name))).ToList();
        if (wanted.Count == 0)
        {
            return DoctorCheck.Ok("Immich people", "no whitelist or blacklist: any named, visible person is sorted");
        }

        var people = await immich.GetPeopleAsync(cancellationToken);
        var counted = people.Where(person => PersonRule.NameThatCounts(person.Name, person.IsHidden) is not null).Select(person => PersonName.Sanitize(person.Name)).ToHashSet(StringComparer.Ordinal);
        var hidden = people.Where(person => person.IsHidden && !string.IsNullOrWhiteSpace(person.Name)).Select(person => PersonName.Sanitize(person.Name)).ToHashSet(StringComparer.Ordinal);
        var problems = wanted
            .Where(entry => !counted.Contains(PersonName.Sanitize(entry.Item2)))
            .Select(entry => hidden.Contains(PersonName.Sanitize(entry.Item2))
                ? $"{entry.Item1} entry \"{entry.Item2}\" is a person {user.Name ?? user.Email} has hidden in Immich"
                : $"{entry.Item1} entry \"{entry.Item2}\" is no named person of {user.Name ?? user.Email} in Immich")
            .ToList();
        return problems.Count == 0
            ? DoctorCheck.Ok("Immich people", $"all {wanted.Count} whitelisted and blacklisted names are named, visible people")
            : DoctorCheck.Warning(
                "Immich people",
                string.Join("; ", problems) + ": faces of hidden or unnamed people count as no named person",
                "name the person in Immich (People → click the face → add a name) and unhide them, or correct the entry in FaceSorter:Whitelist / FaceSorter:Blacklist");
    }
}
