using FaceSorter.Watching;

namespace FaceSorter.Settling;

/// <summary>
/// Which files some other process held open at one moment, keyed by device and inode
/// (docs/linux-facts.md, "Open files are matched by identity"): one <c>/proc</c> scan serves every
/// file a round of the drop-folder monitor looks at. Made by <see cref="OpenWriterProbe.Snapshot"/>.
/// <para>
/// Whether a descriptor was opened for writing is read from its <c>fdinfo</c> only when a file it holds
/// is asked about (<see cref="WriterOf"/>): a busy machine holds thousands of regular files open, and
/// reading every one's <c>fdinfo</c> cost about 250 ms per scan here, on the path of every file
/// (issue 13). A descriptor's access mode is fixed for its life, so reading it later is the same answer;
/// the descriptor is stat-ed again after the read, so a number closed and reused for another file in
/// between never counts (a writer that closed in between is no writer any more).
/// </para>
/// </summary>
public sealed class OpenWriterSnapshot
{
    private readonly Dictionary<(ulong Device, ulong Inode), List<OpenDescriptor>> _open;
    private readonly Dictionary<(ulong Device, ulong Inode), int?> _answers = [];

    internal OpenWriterSnapshot(Dictionary<(ulong Device, ulong Inode), List<OpenDescriptor>> open, bool isPartial)
    {
        _open = open;
        IsPartial = isPartial;
    }

    /// <summary>An empty snapshot: nobody is seen writing anything.</summary>
    public static OpenWriterSnapshot Empty { get; } = new([], isPartial: false);

    /// <summary>True when some process could not be inspected (another user's, and we may not look).</summary>
    public bool IsPartial { get; }

    /// <summary>How many distinct regular files were seen open, for writing or not (the mode is read when asked).</summary>
    public int Count => _open.Count;

    /// <summary>True when some process held the file open at all, for writing or not (no fdinfo is read).</summary>
    /// <param name="identity">The file's device and inode.</param>
    public bool Holds((ulong Device, ulong Inode) identity) => _open.ContainsKey(identity);

    /// <summary>The pid of a process that held the file open for writing, or null when none was seen. Not thread-safe.</summary>
    /// <param name="identity">The file's device and inode, from stat of the file itself (<c>FileIdentity.OfFile</c>).</param>
    public int? WriterOf((ulong Device, ulong Inode) identity)
    {
        if (!_open.TryGetValue(identity, out var descriptors))
        {
            return null;
        }

        if (!_answers.TryGetValue(identity, out var writer))
        {
            writer = descriptors.FirstOrDefault(fd => OpenWriterProbe.IsOpenForWriting(fd.FdInfo) && FileIdentity.OfOpenRegularFile(fd.Link) == identity)?.Pid;
            _answers[identity] = writer;
        }

        return writer;
    }

    /// <summary>One descriptor of another process: its magic link and its fdinfo file.</summary>
    internal sealed record OpenDescriptor(int Pid, string Link, string FdInfo);
}
