using FaceSorter.Immich;
using FaceSorter.Options;

namespace FaceSorter.Diagnostics;

/// <summary>Immich's server: reachable, a supported version, and an API key it takes (and whether it is an admin's).</summary>
public sealed class ImmichServerChecks(ImmichServerClient immich)
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

        try
        {
            var user = await immich.GetMyUserAsync(cancellationToken);
            var who = $"the key is {user.Name ?? user.Email ?? user.Id}'s";
            checks.Add(user.IsAdmin
                ? DoctorCheck.Ok("Immich API key", who + " (an admin: FaceSorter can read the face job queues)")
                : DoctorCheck.Warning("Immich API key", who + ", not an admin's: the job queues are unreadable, so faces are read once they stop changing", "use an admin's API key for faster, surer answers in Upload mode"));
        }
        catch (FaceServiceUnavailableException exception)
        {
            checks.Add(DoctorCheck.Failed("Immich API key", exception.Message, $"create an API key in Immich (Account settings → API keys) and set {KeyKey} (or FACESORTER__Immich__ApiKey)"));
        }

        return checks;
    }
}
