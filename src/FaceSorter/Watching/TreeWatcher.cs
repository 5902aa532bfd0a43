using Microsoft.Extensions.Logging;

namespace FaceSorter.Watching;

/// <summary>
/// A FileSystemWatcher over one folder tree whose handlers only record path hints. A failure (overflow) or
/// a new or moved-in directory (whose contents are never reported,
/// docs/linux-facts.md, "What the watcher reports") asks for a rescan. The owner checks
/// <see cref="IsHealthy"/> periodically: a renamed or deleted root raises no error
/// (docs/linux-facts.md, "Watcher health"), and a watcher whose event thread ended raises none either: a
/// folder moved out of the root followed at once by another change ends it in .NET 10
/// (docs/linux-facts.md, "A watcher that dies silently"), so <see cref="IsHealthy"/> also checks that the
/// watcher's inotify descriptor still watches the root.
/// </summary>
public sealed class TreeWatcher : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly PathHints _hints;
    private readonly ILogger _logger;
    private readonly (ulong Device, ulong Inode)? _rootIdentity;
    private readonly int? _descriptor; // the watcher's own inotify descriptor; null when procfs did not show it
    private bool _reportedStopped;
    private volatile bool _disposed;

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
        var before = _rootIdentity is { } identity ? InotifyDescriptors.Watching(identity) : [];
        _watcher.EnableRaisingEvents = true;
        if (_rootIdentity is { } started && InotifyDescriptors.Watching(started).Except(before).ToList() is [var descriptor])
        {
            _descriptor = descriptor;
        }
    }

    public string Root { get; }

    /// <summary>False when the root was deleted, or renamed and replaced, since the watcher started, or the watcher stopped reporting or was disposed.</summary>
    // Disposed is said outright: .NET closes the inotify descriptor on the watcher's own thread, some time after Dispose returns.
    public bool IsHealthy => !_disposed && FileIdentity.Of(Root) is { } now && now == _rootIdentity && IsReporting(now);

    /// <summary>True when the root was deleted, or renamed and replaced, since the watcher started (a watcher that only stopped reporting says so itself).</summary>
    public bool RootReplaced => FileIdentity.Of(Root) != _rootIdentity;

    public void Dispose()
    {
        _disposed = true;
        _watcher.EnableRaisingEvents = false;
        _watcher.Dispose();
    }

    private bool IsReporting((ulong Device, ulong Inode) root)
    {
        if (_descriptor is not { } descriptor || InotifyDescriptors.IsWatching(descriptor, root))
        {
            return true;
        }

        if (!_reportedStopped)
        {
            _reportedStopped = true;
            _logger.WatcherStoppedSilently(Root);
        }

        return false;
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
