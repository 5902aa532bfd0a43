using FaceSorter.Watching;

namespace FaceSorter.Settling;

/// <summary>
/// Takes the <c>/proc</c> open-writer scan off the moment a file becomes due (issue 13, idle latency):
/// shortly before a few files are due it adds an inotify IN_OPEN watch on each file's inode, then scans
/// <c>/proc</c> once. At the due time a file needs no scan of its own when that scan saw no descriptor of
/// it at all (for writing or not) and its watch reports no open since. Why that is as strong as a scan
/// at the due time is in docs/linux-facts.md, "The writer check, looked at ahead". Every other case (a
/// descriptor was seen, an open was reported, events were lost, inotify is off, the file changed or was
/// replaced since) falls back to the scan at the due time, as before. Not thread-safe: one loop owns it.
/// </summary>
public sealed class WriterLookahead(OpenWriterProbe probe, WriteActivity activity, TimeProvider clock)
{
    /// <summary>Files watched at most: a look-ahead is for the idle case; a burst uses the scan at the due time.</summary>
    public const int MaxFiles = 32;

    // When the look-ahead is taken changes nothing of what it proves, only whether it is done by the
    // due time: a scan's duration varies several-fold on a loaded machine, hence twice the slowest of
    // the last few, and at least 100 ms.
    private static readonly TimeSpan MinLead = TimeSpan.FromMilliseconds(100);
    private const int ScansRemembered = 8;

    private readonly Dictionary<string, Watched> _watched = new(StringComparer.Ordinal);
    private OpenWriterSnapshot _snapshot = OpenWriterSnapshot.Empty;
    private readonly Queue<TimeSpan> _scans = new();

    /// <summary>How long before a file is due to look: twice the slowest of the last 8 <c>/proc</c> scans, at least 100 ms.</summary>
    public TimeSpan Lead => _scans.Count > 0 && _scans.Max() * 2 > MinLead ? _scans.Max() * 2 : MinLead;

    /// <summary>True when <paramref name="file"/> has a look-ahead taken after its last change.</summary>
    public bool IsWatching(TrackedFile file) => _watched.TryGetValue(file.Path, out var watched) && watched.At > file.LastChange;

    /// <summary>
    /// Watches the opens of <paramref name="soon"/> (files due within <see cref="Lead"/>), then scans
    /// <c>/proc</c>. Watches of files not in <paramref name="soon"/> are dropped. Does nothing when more
    /// than <see cref="MaxFiles"/> files are due soon or inotify is not watching.
    /// </summary>
    public void LookAhead(IReadOnlyList<TrackedFile> soon)
    {
        ReleaseAll();
        if (soon.Count == 0 || soon.Count > MaxFiles || !activity.IsActive)
        {
            return;
        }

        // The time is taken before the watches: a change seen after it (LastChange) is after the watch.
        var at = clock.GetUtcNow();
        foreach (var file in soon)
        {
            if (activity.WatchOpens(file.Path) is { } watch)
            {
                _watched[file.Path] = new Watched(at, watch.Watch, watch.Identity);
            }
        }

        if (_watched.Count > 0)
        {
            _snapshot = Scan();
        }
    }

    /// <summary>Records every open the kernel has reported so far: call once before asking <see cref="Vouches"/>.</summary>
    public void CatchUp() => activity.CatchUp();

    /// <summary>
    /// True when nobody can hold <paramref name="file"/> open: the look-ahead scan, taken after the file's
    /// last change, saw no descriptor of its inode, the path still names that inode, and no open of it
    /// was reported since the watch began (after <see cref="CatchUp"/>).
    /// </summary>
    public bool Vouches(TrackedFile file) =>
        _watched.TryGetValue(file.Path, out var watched)
        && watched.At > file.LastChange
        && !_snapshot.Holds(watched.Identity)
        && FileIdentity.OfFile(file.Path) == watched.Identity
        && !activity.OpenedSince(watched.Watch);

    /// <summary>Stops watching <paramref name="path"/> (decided, or forgotten).</summary>
    public void Release(string path)
    {
        if (_watched.Remove(path, out var watched))
        {
            activity.StopWatchingOpens(watched.Watch);
        }
    }

    /// <summary>A scan of <c>/proc</c> at the due time, timed so the next look-ahead starts early enough.</summary>
    public OpenWriterSnapshot Scan()
    {
        var started = clock.GetTimestamp();
        var snapshot = probe.Snapshot();
        _scans.Enqueue(clock.GetElapsedTime(started));
        if (_scans.Count > ScansRemembered)
        {
            _scans.Dequeue();
        }
        return snapshot;
    }

    private void ReleaseAll()
    {
        foreach (var path in _watched.Keys.ToList())
        {
            Release(path);
        }

        _snapshot = OpenWriterSnapshot.Empty;
    }

    private sealed record Watched(DateTimeOffset At, int Watch, (ulong Device, ulong Inode) Identity);
}
