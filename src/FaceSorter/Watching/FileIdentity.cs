using System.Runtime.InteropServices;

namespace FaceSorter.Watching;

/// <summary>Device and inode of a path, to notice a watched root that was replaced.</summary>
internal static partial class FileIdentity
{
    public static (ulong Device, ulong Inode)? Of(string path)
    {
        try
        {
            if (!Directory.Exists(path))
            {
                return null;
            }

            // UnixFileMode and times are exposed, inode is not: read it from statx through stat(1)-free P/Invoke.
            return Stat(path, out var device, out var inode) == 0 ? (device, inode) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// False for a FIFO, socket or device (opening a FIFO to hash it would wait for a writer forever)
    /// and for a symbolic link itself; true for a regular file or when the type cannot be read.
    /// </summary>
    public static bool IsRegularFile(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        // AT_SYMLINK_NOFOLLOW (0x100), STATX_TYPE (0x1); stx_mode is the u16 at offset 28.
        if (StatX(-100, path, 0x100, 0x1, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return true;
        }

        const int typeMask = 0xF000; // S_IFMT
        const int regular = 0x8000;  // S_IFREG
        return (BitConverter.ToUInt16(buffer[28..30]) & typeMask) == regular;
    }

    /// <summary>
    /// Size, mtime and ctime of an open file (statx on its descriptor), or null when they cannot be
    /// read. ctime moves on every write, truncate, chmod or utime, even one that sets mtime back.
    /// </summary>
    public static FileStamp? StampOf(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[256];
        // AT_EMPTY_PATH (0x1000): the descriptor itself. STATX_SIZE|STATX_MTIME|STATX_CTIME (0x200|0x40|0x80).
        if (StatX((int)handle.DangerousGetHandle(), "", 0x1000, 0x2C0, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return null;
        }

        return StampFrom(buffer);
    }

    /// <summary>Like <see cref="StampOf(Microsoft.Win32.SafeHandles.SafeFileHandle)"/>, for a path (a link is not followed).</summary>
    public static FileStamp? StampOf(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        return StatX(-100, path, 0x100, 0x2C0, ref MemoryMarshal.GetReference(buffer)) != 0 ? null : StampFrom(buffer);
    }

    // struct statx: stx_size u64 at 40; stx_ctime at 96 and stx_mtime at 112 (i64 seconds, u32 nanoseconds).
    private static FileStamp StampFrom(ReadOnlySpan<byte> buffer) =>
        new((long)BitConverter.ToUInt64(buffer[40..48]), Nanoseconds(buffer[112..]), Nanoseconds(buffer[96..]));

    private static long Nanoseconds(ReadOnlySpan<byte> timestamp) =>
        (BitConverter.ToInt64(timestamp[..8]) * 1_000_000_000L) + BitConverter.ToUInt32(timestamp[8..12]);

    private static int Stat(string path, out ulong device, out ulong inode)
    {
        Span<byte> buffer = stackalloc byte[256];
        var result = StatX(-100, path, 0, 0x100 /* STATX_INO */, ref MemoryMarshal.GetReference(buffer));
        // struct statx: stx_ino at offset 32 (u64); stx_dev_major at 136, stx_dev_minor at 140 (u32 each).
        inode = BitConverter.ToUInt64(buffer[32..40]);
        device = ((ulong)BitConverter.ToUInt32(buffer[136..140]) << 32) | BitConverter.ToUInt32(buffer[140..144]);
        return result;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
