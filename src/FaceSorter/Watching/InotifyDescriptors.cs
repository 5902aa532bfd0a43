using System.Globalization;

namespace FaceSorter.Watching;

/// <summary>
/// Which of this process's inotify descriptors watch a directory, read from <c>/proc/self/fdinfo/&lt;n&gt;</c>
/// (proc(5): one line <c>inotify wd:&lt;hex&gt; ino:&lt;hex&gt; sdev:&lt;hex&gt; …</c> per watch; <c>sdev</c> is the
/// kernel's device number, major in the bits above 20). A <see cref="FileSystemWatcher"/> holds one
/// descriptor of its own; when its event thread ends the descriptor is closed, so a descriptor that no
/// longer watches the root says the watcher reports nothing any more (docs/linux-facts.md, "A watcher
/// that dies silently"). Every method returns an empty answer when procfs cannot be read.
/// </summary>
internal static class InotifyDescriptors
{
    private const string FdInfo = "/proc/self/fdinfo";

    /// <summary>The descriptors of this process with a watch on <paramref name="directory"/> (device and inode as <see cref="FileIdentity"/> gives them).</summary>
    public static HashSet<int> Watching((ulong Device, ulong Inode) directory)
    {
        var found = new HashSet<int>();
        try
        {
            foreach (var path in Directory.EnumerateFiles(FdInfo))
            {
                if (int.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out var descriptor) && IsWatching(descriptor, directory))
                {
                    found.Add(descriptor);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // no procfs: nothing known
        }

        return found;
    }

    /// <summary>True when <paramref name="descriptor"/> is open in this process and is an inotify descriptor with a watch on <paramref name="directory"/>.</summary>
    public static bool IsWatching(int descriptor, (ulong Device, ulong Inode) directory)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(FdInfo, descriptor.ToString(CultureInfo.InvariantCulture)));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false; // closed (or no procfs)
        }

        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("inotify ") && Field(line, "ino:") is { } inode && Field(line, "sdev:") is { } kernelDevice
                && inode == directory.Inode && ((kernelDevice >> 20) << 32 | (kernelDevice & 0xFFFFF)) == directory.Device)
            {
                return true;
            }
        }

        return false;
    }

    private static ulong? Field(ReadOnlySpan<char> line, string name)
    {
        var start = line.IndexOf(name, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var value = line[(start + name.Length)..];
        var end = value.IndexOf(' ');
        return ulong.TryParse(end < 0 ? value : value[..end], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }
}
