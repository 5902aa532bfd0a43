namespace FaceSorter.Settling;

/// <summary>
/// The drop-folder files not finished yet, as the <see cref="SettleRule"/> remembers them: each look
/// (a scan or an event) refreshes a file, and a change of size or mtime, or an event naming it,
/// restarts its quiet period. When a file is due is the caller's to say (<c>dueAt</c>): it depends on
/// who may still be writing it, which this class does not know. Not thread-safe: one loop owns it.
/// </summary>
public sealed class SettleTracker
{
    private readonly Dictionary<string, TrackedFile> _files = new(StringComparer.Ordinal);

    public int Count => _files.Count;

    /// <summary>Records a look at <paramref name="path"/>; <paramref name="mayBeEmpty"/> applies when it is first seen (a sidecar).</summary>
    public void Observe(string path, long length, DateTime lastWriteUtc, DateTimeOffset now, bool namedByEvent, bool mayBeEmpty = false)
    {
        _files.TryGetValue(path, out var known);
        var observed = SettleRule.Observe(known, path, length, lastWriteUtc, now, namedByEvent);
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

    /// <summary>True when every file is due (what is left is only waiting on a writer or a working file).</summary>
    public bool AllDue(DateTimeOffset now, Func<TrackedFile, DateTimeOffset> dueAt) => _files.Values.All(file => dueAt(file) <= now);

    /// <summary>The earliest moment a file can become due, or null when nothing is tracked.</summary>
    public DateTimeOffset? NextDue(Func<TrackedFile, DateTimeOffset> dueAt) =>
        _files.Count == 0 ? null : _files.Values.Min(dueAt);
}
