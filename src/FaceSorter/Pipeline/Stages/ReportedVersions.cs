using System.Collections.Concurrent;

namespace FaceSorter.Pipeline.Stages;

/// <summary>
/// Which version (length, modification time) of each file a problem was already reported for, so a
/// file that waits in the drop folder and is looked at again at every retry is reported once. Bounded:
/// past <paramref name="capacity"/> entries, those whose file is gone (sorted, moved or deleted) are
/// forgotten, so a daemon that runs for months holds one entry per such file still present.
/// </summary>
/// <param name="capacity">Entries kept before gone files are looked for (the settle tracker's working set by default).</param>
internal sealed class ReportedVersions(int capacity = Settling.SettleTracker.DefaultCapacity)
{
    private readonly ConcurrentDictionary<string, (long Length, DateTime LastWriteUtc)> _reported = new(StringComparer.Ordinal);
    private readonly Lock _pruning = new();
    private readonly int _capacity = capacity;
    private int _pruneAt = capacity;

    /// <summary>The number of versions remembered.</summary>
    public int Count => _reported.Count;

    /// <summary>True the first time this version of the file at <paramref name="path"/> is seen: report it.</summary>
    public bool IsNew(string path, long length, DateTime lastWriteUtc)
    {
        var version = (length, lastWriteUtc);
        if (_reported.TryGetValue(path, out var reported) && reported == version)
        {
            return false;
        }

        _reported[path] = version;
        if (_reported.Count > _pruneAt)
        {
            Prune();
        }

        return true;
    }

    /// <summary>
    /// Forgets the files that are gone. When most are still there, the next look waits until the count
    /// has doubled, so a large backlog of broken files costs a look per doubling, not one per file.
    /// </summary>
    private void Prune()
    {
        lock (_pruning)
        {
            if (_reported.Count <= _pruneAt)
            {
                return;
            }

            foreach (var gone in _reported.Keys.Where(known => !File.Exists(known)))
            {
                _reported.TryRemove(gone, out _);
            }

            _pruneAt = Math.Max(_capacity, _reported.Count * 2);
        }
    }
}
