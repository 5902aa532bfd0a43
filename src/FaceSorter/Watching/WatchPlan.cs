using FaceSorter.Options;
using Microsoft.Extensions.Logging;

namespace FaceSorter.Watching;

/// <summary>
/// How a monitor watches its folders: with file events or not, and how often it scans them anyway.
/// <see cref="For"/> looks at each folder's filesystem once, at start, and says in the log what it
/// decided: events do not report another machine's writes on a network share (docs/linux-facts.md,
/// "Network shares"), so such a folder is scanned every <c>PollInterval</c>, feeding the same settle
/// logic as events.
/// </summary>
public sealed record WatchPlan(bool UseEvents, TimeSpan ScanInterval)
{
    public static WatchPlan For(SortingOptions options, ILogger logger, params string[] folders)
    {
        switch (options.Watching)
        {
            case WatchingMode.Events:
                return new WatchPlan(UseEvents: true, options.RescanInterval);
            case WatchingMode.Poll:
                logger.PollingForced(string.Join(", ", folders), options.PollInterval);
                return new WatchPlan(UseEvents: false, options.PollInterval);
        }

        var remote = folders.Select(folder => (Folder: folder, Type: FilesystemType.Of(folder))).Where(entry => entry.Type is { EventsReliable: false }).ToList();
        foreach (var (folder, type) in remote)
        {
            logger.PollingNetworkShare(folder, type!.Name, options.PollInterval);
        }

        return remote.Count > 0
            ? new WatchPlan(UseEvents: true, options.PollInterval)
            : new WatchPlan(UseEvents: true, options.RescanInterval);
    }
}
