namespace FaceSorter.Watching;

/// <summary>
/// Files in the drop folder that are never sorted but must not be ignored in silence: each stays where
/// it is and is held once, with its reason, until it is gone (then, made again, it is held again).
/// <list type="bullet">
/// <item>A symbolic link is not followed: its target may be anywhere, and moving the link would not
/// move the picture.</item>
/// <item>A FIFO, socket or device is not opened: a FIFO would block the hash stage until a writer came.</item>
/// <item>A name that is not valid UTF-8 cannot be opened by .NET (<see cref="UndecodableName"/>).</item>
/// </list>
/// </summary>
public sealed class IrregularFiles
{
    public const string LinkReason = "it is a symbolic link; FaceSorter sorts only regular files: move or copy the file itself into the drop folder";
    public const string SpecialReason = "it is not a regular file (a FIFO, socket or device); FaceSorter sorts only regular files";

    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly List<(string Path, string Reason)> _toHold = [];

    /// <summary>
    /// True when <paramref name="info"/> is irregular, so the caller leaves it alone; the first time, it
    /// is also queued to be held (<see cref="TakeNewlyHeld"/>).
    /// </summary>
    public bool Catch(string path, FileInfo info)
    {
        var reason = !info.Exists
            ? UndecodableName.Is(path) ? UndecodableName.Reason : null
            : info.LinkTarget is not null ? LinkReason : FileIdentity.IsRegularFile(path) ? null : SpecialReason;
        if (reason is null)
        {
            return false;
        }

        if (_reported.Add(path))
        {
            _toHold.Add((path, reason));
        }

        return true;
    }

    /// <summary>True when <paramref name="path"/> was caught and is not forgotten yet.</summary>
    public bool Knows(string path) => _reported.Contains(path);

    /// <summary>The irregular files held now (until a full scan finds one gone).</summary>
    public int Count => _reported.Count;

    /// <summary>After a full scan: what is gone is forgotten, so the same name made again is held again.</summary>
    public void Retain(IReadOnlySet<string> seen) => _reported.IntersectWith(seen);

    /// <summary>The files caught since the last call, each with its reason, to hold and log once.</summary>
    public IReadOnlyList<(string Path, string Reason)> TakeNewlyHeld()
    {
        if (_toHold.Count == 0)
        {
            return [];
        }

        var taken = _toHold.ToList();
        _toHold.Clear();
        return taken;
    }
}
