namespace FaceSorter.Settling;

/// <summary>
/// Finds files some process has open for writing by reading <c>/proc/*/fd</c> and each fd's <c>fdinfo</c>
/// flags (docs/linux-facts.md, "How downloaders write": curl holds the file <c>O_WRONLY</c> for the whole
/// download). It sees only processes whose <c>/proc/&lt;pid&gt;/fd</c> we may read: our own user's, or all
/// as root.
/// </summary>
public sealed class OpenWriterProbe
{
    private const int AccessModeMask = 3; // O_ACCMODE
    private const int ReadOnly = 0;       // O_RDONLY

    /// <summary>True when some process could not be inspected (another user's, and we are not root).</summary>
    public bool LastScanWasPartial { get; private set; }

    /// <summary>The paths under <paramref name="root"/> that are open for writing right now.</summary>
    public HashSet<string> FindOpenForWriting(string root)
    {
        var prefix = root.EndsWith('/') ? root : root + "/";
        var open = new HashSet<string>(StringComparer.Ordinal);
        var partial = false;
        IEnumerable<string> processes;
        try
        {
            processes = Directory.EnumerateDirectories("/proc");
        }
        catch (IOException)
        {
            LastScanWasPartial = true;
            return open;
        }

        foreach (var process in processes)
        {
            var pid = Path.GetFileName(process);
            if (pid.Length == 0 || !char.IsAsciiDigit(pid[0]))
            {
                continue;
            }

            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")))
                {
                    var target = ReadLink(fd);
                    if (target is null || !target.StartsWith(prefix, StringComparison.Ordinal) || !IsWritable(process, Path.GetFileName(fd)))
                    {
                        continue;
                    }

                    open.Add(target.EndsWith(" (deleted)", StringComparison.Ordinal) ? target[..^10] : target);
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

        LastScanWasPartial = partial;
        return open;
    }

    private static string? ReadLink(string fd)
    {
        try
        {
            return new FileInfo(fd).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsWritable(string process, string fd)
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(process, "fdinfo", fd)))
            {
                if (line.StartsWith("flags:", StringComparison.Ordinal))
                {
                    var flags = Convert.ToInt32(line["flags:".Length..].Trim(), 8);
                    return (flags & AccessModeMask) != ReadOnly;
                }
            }
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
