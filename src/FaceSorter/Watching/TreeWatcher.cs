using Microsoft.Extensions.Logging;

namespace FaceSorter.Watching;

/// <summary>
/// A FileSystemWatcher over one folder tree whose handlers only record path hints. A failure (overflow) or
/// a new or moved-in directory (whose contents are never reported,
/// docs/linux-facts.md, "What the watcher reports") asks for a rescan. The owner checks
/// <see cref="IsHealthy"/> periodically: a renamed or deleted root raises no error
/// (docs/linux-facts.md, "Watcher health").
/// </summary>
public sealed class TreeWatcher : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly PathHints _hints;
    private readonly ILogger _logger;
    private readonly (ulong Device, ulong Inode)? _rootIdentity;

    public TreeWatcher(string root, NotifyFilters filters, PathHints hints, ILogger logger)
    {
        Root = root;
        _hints = hints;
        _logger = logger;
        _rootIdentity = FileIdentity.Of(root);
        _watcher = new FileSystemWatcher(root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = filters,
            InternalBufferSize = 64 * 1024,
        };
        _watcher.Created += OnChanged;
        _watcher.Changed += OnChanged;
        _watcher.Deleted += OnChanged;
        _watcher.Renamed += OnRenamed;
        _watcher.Error += OnError;
        _watcher.EnableRaisingEvents = true;
    }

    public string Root { get; }

    /// <summary>False when the root was deleted, or renamed and replaced, since the watcher started.</summary>
    public bool IsHealthy => FileIdentity.Of(Root) is { } now && now == _rootIdentity;

    public void Dispose()
    {
        _watcher.EnableRaisingEvents = false;
        _watcher.Dispose();
    }

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        _hints.Add(e.FullPath);
        if (e.ChangeType == WatcherChangeTypes.Created && Directory.Exists(e.FullPath))
        {
            _hints.RequestRescan();
        }
    }

    private void OnRenamed(object sender, RenamedEventArgs e)
    {
        _hints.Add(e.OldFullPath);
        _hints.Add(e.FullPath);
        if (Directory.Exists(e.FullPath))
        {
            _hints.RequestRescan();
        }
    }

    private void OnError(object sender, ErrorEventArgs e)
    {
        _hints.RequestRescan();
        try
        {
            _logger.WatcherFailed(e.GetException(), Root);
        }
        catch (Exception)
        {
            // A handler must never throw on the watcher's thread.
        }
    }
}
