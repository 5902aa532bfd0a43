using FaceSorter.Options;
using FaceSorter.Pipeline;

namespace FaceSorter.Diagnostics;

/// <summary>
/// Whether a FaceSorter already runs on this config's drop folder or database (its lock is held),
/// and whether <c>Web:Urls</c> can be bound: a port a running FaceSorter serves is reported as
/// that; a port another program holds is a failure with the fix. Nothing is created.
/// </summary>
public static class InstanceChecks
{
    private const string UrlsKey = WebOptions.Section + ":Urls";

    public static async Task<IReadOnlyList<DoctorCheck>> RunAsync(DirectoriesOptions directories, DatabaseOptions database, WebOptions web, CancellationToken cancellationToken)
    {
        var holder = InstanceLock.FindHolder(directories, database);
        var checks = new List<DoctorCheck>
        {
            holder is { } running
                ? DoctorCheck.Ok("Running instance", $"a FaceSorter{(running.Pid is { } pid ? $" (pid {pid})" : "")} is running on {running.What}; a second run or scan on it would be refused")
                : DoctorCheck.Ok("Running instance", "no FaceSorter is running on this drop folder or database"),
        };

        if (!web.Enabled)
        {
            checks.Add(DoctorCheck.Skipped("Web address", $"{WebOptions.Section}:Enabled is false: no review page"));
            return checks;
        }

        foreach (var listener in WebAddress.Parse(web.Urls))
        {
            if (listener.EndPoint is null)
            {
                checks.Add(DoctorCheck.Ok("Web address", $"{listener.Url}: port 0, a free port is chosen at start"));
                continue;
            }

            if (WebAddress.TryBind(listener.EndPoint) is not { } error)
            {
                checks.Add(DoctorCheck.Ok("Web address", $"{listener.Url} is free; the review page will be served there"));
                continue;
            }

            var faceSorter = await WebAddress.IsFaceSorterAsync(listener.Probe, cancellationToken);
            checks.Add(faceSorter && holder is not null
                ? DoctorCheck.Ok("Web address", $"{listener.Url} is served by the running FaceSorter")
                : DoctorCheck.Failed("Web address", WebAddress.Describe(listener, error, faceSorter), $"set {UrlsKey} to a free port (e.g. http://127.0.0.1:8766), or stop what uses it"));
        }

        return checks;
    }
}
