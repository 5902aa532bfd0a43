using System.Globalization;
using FaceSorter.Watching;

namespace FaceSorter.Settling;

/// <summary>
/// Finds the files other processes hold open for writing by reading <c>/proc/*/fd</c> and each fd's
/// <c>fdinfo</c> flags (docs/linux-facts.md, "How downloaders write": curl holds the file <c>O_WRONLY</c>
/// for the whole download). Files are known by device and inode, from stat(2) of the descriptor's
/// magic link, never by the path the link shows: that path is the writer's view, and in another
/// mount namespace (a container) or through a symbolic link the drop folder has another path
/// (docs/linux-facts.md, "Open files are matched by identity"). It sees only processes whose
/// <c>/proc/&lt;pid&gt;/fd</c> we may read (our own user's, or all as root or with CAP_SYS_PTRACE) and
/// only those in our PID namespace (<see cref="WriterVisibility"/>). Our own process is skipped: its
/// descriptors are the daemon's own work, never a download.
/// </summary>
public sealed class OpenWriterProbe
{
    private const int AccessModeMask = 3; // O_ACCMODE
    private const int ReadOnly = 0;       // O_RDONLY

    /// <summary>One scan of every visible process: the regular files each holds open (which for writing is read when asked).</summary>
    public OpenWriterSnapshot Snapshot()
    {
        var writers = new Dictionary<(ulong Device, ulong Inode), List<OpenWriterSnapshot.OpenDescriptor>>();
        var partial = false;
        IEnumerable<string> processes;
        try
        {
            processes = Directory.EnumerateDirectories("/proc");
        }
        catch (IOException)
        {
            return new OpenWriterSnapshot(writers, isPartial: true);
        }

        var own = Environment.ProcessId;
        foreach (var process in processes)
        {
            if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == own)
            {
                continue;
            }

            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")))
                {
                    // stat only: most descriptors are sockets, pipes and devices; fdinfo is read when asked.
                    if (FileIdentity.OfOpenRegularFile(fd) is { } identity)
                    {
                        if (!writers.TryGetValue(identity, out var descriptors))
                        {
                            descriptors = [];
                            writers[identity] = descriptors;
                        }

                        descriptors.Add(new OpenWriterSnapshot.OpenDescriptor(pid, fd, Path.Combine(process, "fdinfo", Path.GetFileName(fd))));
                    }
                }
            }
            catch (UnauthorizedAccessException)
            {
                partial = true;
            }
            catch (IOException)
            {
                // The process ended while we looked: it has nothing open any more.
            }
        }

        return new OpenWriterSnapshot(writers, partial);
    }

    /// <summary>
    /// True when an fdinfo text (<c>/proc/&lt;pid&gt;/fdinfo/&lt;n&gt;</c>) says the descriptor was opened
    /// for writing: its octal <c>flags:</c> have O_WRONLY or O_RDWR (proc(5)).
    /// </summary>
    public static bool OpensForWriting(IEnumerable<string> fdinfoLines) => Flags(fdinfoLines) is { } flags && ForWriting(flags);

    /// <summary>True when open(2) <paramref name="flags"/> have O_WRONLY or O_RDWR.</summary>
    public static bool ForWriting(int flags) => (flags & AccessModeMask) != ReadOnly;

    /// <summary>
    /// The open(2) flags of an fdinfo text, from its octal <c>flags:</c> line (O_CLOEXEC included when the
    /// descriptor has close-on-exec, proc(5)); null when there is no such line.
    /// </summary>
    public static int? Flags(IEnumerable<string> fdinfoLines)
    {
        foreach (var line in fdinfoLines)
        {
            if (line.StartsWith("flags:", StringComparison.Ordinal))
            {
                return Convert.ToInt32(line["flags:".Length..].Trim(), 8);
            }
        }

        return null;
    }

    /// <summary>True when the fdinfo file <paramref name="fdinfo"/> says its descriptor is open for writing; false when it is gone or unreadable.</summary>
    internal static bool IsOpenForWriting(string fdinfo)
    {
        try
        {
            return OpensForWriting(File.ReadLines(fdinfo));
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return false;
    }
}
