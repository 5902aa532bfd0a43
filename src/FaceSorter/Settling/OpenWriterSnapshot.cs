namespace FaceSorter.Settling;

/// <summary>
/// Which files some other process held open for writing at one moment, keyed by device and inode
/// (docs/linux-facts.md, "Open files are matched by identity"): one <c>/proc</c> scan serves every
/// file a round of the drop-folder monitor looks at. Made by <see cref="OpenWriterProbe.Snapshot"/>.
/// </summary>
public sealed class OpenWriterSnapshot
{
    private readonly Dictionary<(ulong Device, ulong Inode), int> _writers;

    internal OpenWriterSnapshot(Dictionary<(ulong Device, ulong Inode), int> writers, bool isPartial)
    {
        _writers = writers;
        IsPartial = isPartial;
    }

    /// <summary>An empty snapshot: nobody is seen writing anything.</summary>
    public static OpenWriterSnapshot Empty { get; } = new([], isPartial: false);

    /// <summary>True when some process could not be inspected (another user's, and we may not look).</summary>
    public bool IsPartial { get; }

    /// <summary>How many distinct files were seen open for writing.</summary>
    public int Count => _writers.Count;

    /// <summary>The pid of a process that held the file open for writing, or null when none was seen.</summary>
    /// <param name="identity">The file's device and inode, from stat of the file itself (<c>FileIdentity.OfFile</c>).</param>
    public int? WriterOf((ulong Device, ulong Inode) identity) => _writers.TryGetValue(identity, out var pid) ? pid : null;
}
