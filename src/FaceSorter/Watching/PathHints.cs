using System.Collections.Concurrent;
using System.Threading.Channels;

namespace FaceSorter.Watching;

/// <summary>
/// Paths the watcher has named since the last drain, deduplicated, plus a "rescan everything" flag. Adding
/// never blocks and never throws, so a watcher handler can call it on the watcher's own thread
/// (docs/linux-facts.md, "Handlers only enqueue": a 1 ms handler lost about 9 000 of 40 000 events). An
/// event storm costs memory per distinct path, not per event.
/// </summary>
public sealed class PathHints
{
    private readonly ConcurrentDictionary<string, byte> _paths = new(StringComparer.Ordinal);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private int _rescanRequested;

    public void Add(string path)
    {
        _paths.TryAdd(path, 0);
        _signal.Writer.TryWrite(true);
    }

    public void RequestRescan()
    {
        Interlocked.Exchange(ref _rescanRequested, 1);
        _signal.Writer.TryWrite(true);
    }

    /// <summary>Takes the hints gathered so far, and the wake-up they signalled (a later hint signals again).</summary>
    public (IReadOnlyList<string> Paths, bool Rescan) Drain()
    {
        _signal.Reader.TryRead(out _); // first: a hint added from here on signals anew, so none is left unseen
        var rescan = Interlocked.Exchange(ref _rescanRequested, 0) == 1;
        var paths = new List<string>(_paths.Count);
        foreach (var path in _paths.Keys)
        {
            if (_paths.TryRemove(path, out _))
            {
                paths.Add(path);
            }
        }

        return (paths, rescan);
    }

    /// <summary>Completes when a hint arrives (or at once if one is waiting).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await _signal.Reader.ReadAsync(cancellationToken);
    }
}
