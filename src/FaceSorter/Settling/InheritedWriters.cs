using System.Globalization;
using System.Runtime.InteropServices;

namespace FaceSorter.Settling;

/// <summary>
/// Descriptors this process was started with that are open for writing on files in the drop folder: a
/// shell that held a download open when it started FaceSorter passes its descriptor on. FaceSorter never
/// writes there, but the kernel counts the copy: inotify's close-after-write never comes while it is
/// open, so the file would wait forever as one still being written (docs/linux-facts.md, "Descriptors
/// FaceSorter inherits"). Closing FaceSorter's copy leaves the real writer's own untouched.
/// Only descriptors without close-on-exec are inherited ones: everything .NET opens has it, so a file
/// this process is writing (another host in the same process, as in the tests) is never closed under it.
/// </summary>
public static partial class InheritedWriters
{
    private const int CloseOnExec = 0x80000; // O_CLOEXEC: fdinfo's octal flags carry 02000000 when it is set (proc(5))

    /// <summary>Closes each such descriptor (before anything here opens a file in <paramref name="folder"/>) and returns the files they named.</summary>
    /// <param name="folder">The drop folder, absolute.</param>
    public static IReadOnlyList<string> CloseUnder(string folder)
    {
        var closed = new List<string>();
        var prefix = folder.TrimEnd('/') + "/";
        IEnumerable<string> descriptors;
        try
        {
            descriptors = Directory.EnumerateFileSystemEntries("/proc/self/fd").ToList();
        }
        catch (IOException)
        {
            return closed;
        }

        foreach (var entry in descriptors)
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var fd) || fd <= 2)
            {
                continue; // standard input, output and error are the caller's to keep
            }

            try
            {
                if (new FileInfo(entry).LinkTarget is { } target && target.StartsWith(prefix, StringComparison.Ordinal)
                    && OpenWriterProbe.Flags(File.ReadLines($"/proc/self/fdinfo/{fd}")) is { } flags
                    && OpenWriterProbe.ForWriting(flags) && (flags & CloseOnExec) == 0 && Close(fd) == 0)
                {
                    closed.Add(target);
                }
            }
            catch (IOException)
            {
                // Closed meanwhile (the enumeration's own descriptor): nothing to do.
            }
        }

        return closed;
    }

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
