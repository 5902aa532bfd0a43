namespace FaceSorter.Settling;

/// <summary>
/// The drop-folder files not finished yet, as the <see cref="SettleRule"/> remembers them: each look
/// (a scan or an event) refreshes a file, and a change of size or mtime, or an event naming it,
/// restarts its quiet period. When a file is due is the caller's to say (<c>dueAt</c>): it depends on
/// who may still be writing it, which this class does not know. Not thread-safe: one loop owns it.
/// <para>
/// A scan adds files only while <see cref="IsFull"/> is false, so a backlog of a million files costs a
/// working set of <see cref="Capacity"/> files, not the folder (docs/architecture.md, "A bounded working
/// set"); the rest stays on disk and the next scan finds it once <see cref="HasRoom"/>. An event's file is
/// always added: events come at the pace of downloads, and a file named by one is never left waiting for a scan.
/// </para>
/// </summary>
/// <param name="capacity">How many files a scan fills the tracker up to (&gt; 0).</param>
public sealed class SettleTracker(int capacity = SettleTracker.DefaultCapacity)
{
    /// <summary>Files a scan tracks at most: a few hundred bytes each, well above a burst's hand-over.</summary>
    public const int DefaultCapacity = 4096;

    private readonly Dictionary<string, TrackedFile> _files = new(StringComparer.Ordinal);

    public int Count => _files.Count;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be > 0");

    /// <summary>True when a scan must add no new file (it stops and leaves the rest on disk).</summary>
    public bool IsFull => _files.Count >= Capacity;

    /// <summary>True when a scan cut short by <see cref="IsFull"/> is worth running again: half the working set is free.</summary>
    public bool HasRoom => _files.Count <= Capacity / 2;

    public bool Contains(string path) => _files.ContainsKey(path);

    /// <summary>Records a look at <paramref name="path"/>; <paramref name="mayBeEmpty"/> applies when it is first seen (a sidecar).</summary>
    /// <param name="quietSinceLastWrite">See <see cref="SettleRule.Observe"/>.</param>
    public void Observe(string path, long length, DateTime lastWriteUtc, DateTimeOffset now, bool namedByEvent, bool mayBeEmpty = false, bool quietSinceLastWrite = false)
    {
        _files.TryGetValue(path, out var known);
        var observed = SettleRule.Observe(known, path, length, lastWriteUtc, now, namedByEvent, quietSinceLastWrite);
        _files[path] = known is null && mayBeEmpty ? observed with { MayBeEmpty = true } : observed;
    }

    /// <summary>Tracks a file again as it was (a parked sidecar whose owner may have arrived).</summary>
    public void Restore(TrackedFile file) => _files[file.Path] = file;

    public void Forget(string path) => _files.Remove(path);

    /// <summary>After a full scan: files no longer in the drop folder are forgotten.</summary>
    public void Retain(IReadOnlySet<string> seen)
    {
        foreach (var gone in _files.Keys.Where(path => !seen.Contains(path)).ToList())
        {
            _files.Remove(gone);
        }
    }

    /// <summary>The files whose quiet period has run out at <paramref name="now"/>, to be asked whether they are finished.</summary>
    public IReadOnlyList<TrackedFile> Due(DateTimeOffset now, Func<TrackedFile, DateTimeOffset> dueAt) =>
        [.. _files.Values.Where(file => dueAt(file) <= now)];

    /// <summary>The empty files waiting out <c>EmptyFileTimeout</c> (<see cref="TrackedFile.IsPlaceholder"/>).</summary>
    public IReadOnlyList<TrackedFile> Placeholders => [.. _files.Values.Where(file => file.IsPlaceholder)];

    /// <summary>True when every file is due (what is left is only waiting on a writer or a working file).</summary>
    public bool AllDue(DateTimeOffset now, Func<TrackedFile, DateTimeOffset> dueAt) => _files.Values.All(file => dueAt(file) <= now);

    /// <summary>The earliest moment a file can become due, or null when nothing is tracked.</summary>
    public DateTimeOffset? NextDue(Func<TrackedFile, DateTimeOffset> dueAt) =>
        _files.Count == 0 ? null : _files.Values.Min(dueAt);
}
