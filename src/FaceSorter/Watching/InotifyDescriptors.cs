using System.Buffers;
using System.Buffers.Text;
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
    private const string Fd = "/proc/self/fd";
    private const string FdInfo = "/proc/self/fdinfo";
    private const int ChunkSize = 16 * 1024;

    /// <summary>The descriptors of this process with a watch on <paramref name="directory"/> (device and inode as <see cref="FileIdentity"/> gives them).</summary>
    public static HashSet<int> Watching((ulong Device, ulong Inode) directory)
    {
        var found = new HashSet<int>();
        try
        {
            foreach (var path in Directory.EnumerateFiles(FdInfo))
            {
                // Only an inotify instance's fdinfo is read: the process holds a hundred other descriptors,
                // and reading each at every watcher's start made garbage enough to show in resident memory.
                if (int.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out var descriptor)
                    && IsInotify(descriptor) && IsWatching(descriptor, directory))
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

    /// <summary>
    /// True when <paramref name="descriptor"/> is open in this process and is an inotify descriptor with a watch on
    /// <paramref name="directory"/>. Read in chunks into a pooled buffer: it runs every second for each watcher.
    /// </summary>
    public static bool IsWatching(int descriptor, (ulong Device, ulong Inode) directory)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            using var info = new FileStream(Path.Combine(FdInfo, descriptor.ToString(CultureInfo.InvariantCulture)), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            var kept = 0;
            while (info.Read(buffer, kept, buffer.Length - kept) is var read and > 0)
            {
                var text = buffer.AsSpan(0, kept + read);
                var lineEnd = text.LastIndexOf((byte)'\n');
                foreach (var line in (lineEnd < 0 ? [] : text[..lineEnd]).Split((byte)'\n'))
                {
                    if (Matches(text[line], directory))
                    {
                        return true;
                    }
                }

                // The unfinished last line moves to the front; a line longer than the buffer is not one of these.
                var rest = text[(lineEnd + 1)..];
                kept = rest.Length < buffer.Length ? rest.Length : 0;
                rest[..kept].CopyTo(buffer);
            }

            return kept > 0 && Matches(buffer.AsSpan(0, kept), directory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false; // closed (or no procfs)
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsInotify(int descriptor)
    {
        try
        {
            return new FileInfo(Path.Combine(Fd, descriptor.ToString(CultureInfo.InvariantCulture))).LinkTarget == "anon_inode:inotify";
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false; // closed meanwhile
        }
    }

    /// <summary>One fdinfo line, <c>inotify wd:… ino:… sdev:…</c>, for a watch on <paramref name="directory"/>.</summary>
    private static bool Matches(ReadOnlySpan<byte> line, (ulong Device, ulong Inode) directory) =>
        line.StartsWith("inotify "u8) && Field(line, "ino:"u8) is { } inode && Field(line, "sdev:"u8) is { } kernelDevice
        && inode == directory.Inode && ((kernelDevice >> 20) << 32 | (kernelDevice & 0xFFFFF)) == directory.Device;

    private static ulong? Field(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name)
    {
        var start = line.IndexOf(name);
        if (start < 0)
        {
            return null;
        }

        var value = line[(start + name.Length)..];
        var end = value.IndexOf((byte)' ');
        return Utf8Parser.TryParse(end < 0 ? value : value[..end], out ulong parsed, out _, 'x') ? parsed : null;
    }
}
