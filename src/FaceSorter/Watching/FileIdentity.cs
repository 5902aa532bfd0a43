using System.Runtime.InteropServices;

namespace FaceSorter.Watching;

/// <summary>
/// Device and inode of a path: to notice a watched root that was replaced, and to match a file in the
/// drop folder with the files other processes hold open (docs/linux-facts.md, "Open files are matched
/// by identity"). The device is <c>stx_dev_major &lt;&lt; 32 | stx_dev_minor</c>: a key to compare, the
/// same whichever mount or path reaches the file.
/// </summary>
internal static partial class FileIdentity
{
    private const int AtSymlinkNoFollow = 0x100;
    private const int TypeMask = 0xF000; // S_IFMT
    private const int RegularType = 0x8000; // S_IFREG

    public static (ulong Device, ulong Inode)? Of(string path)
    {
        try
        {
            if (!Directory.Exists(path))
            {
                return null;
            }

            // UnixFileMode and times are exposed, inode is not: read it from statx through stat(1)-free P/Invoke.
            return Stat(path, 0, out var device, out var inode, out _) == 0 ? (device, inode) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Device and inode of the file at <paramref name="path"/> (a symbolic link itself, not followed), or null when it cannot be read.</summary>
    public static (ulong Device, ulong Inode)? OfFile(string path) =>
        Stat(path, AtSymlinkNoFollow, out var device, out var inode, out _) == 0 ? (device, inode) : null;

    /// <summary>
    /// Device and inode of the regular file an open descriptor refers to, through its magic link
    /// <c>/proc/&lt;pid&gt;/fd/&lt;n&gt;</c> (followed, as stat(2) does: to the open file itself, whatever
    /// path or mount namespace it was opened by). Null for a pipe, socket, device or folder, and when
    /// it cannot be read (the process ended, or it is another user's and we may not look).
    /// </summary>
    public static (ulong Device, ulong Inode)? OfOpenRegularFile(string descriptorLink) =>
        Stat(descriptorLink, 0, out var device, out var inode, out var mode) == 0 && (mode & TypeMask) == RegularType ? (device, inode) : null;

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

        return (BitConverter.ToUInt16(buffer[28..30]) & TypeMask) == RegularType;
    }

    /// <summary>How many names the file at <paramref name="path"/> has (<c>st_nlink</c>; a symbolic link itself, not followed), or 0 when it cannot be read.</summary>
    public static uint LinkCount(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        // AT_SYMLINK_NOFOLLOW (0x100), STATX_NLINK (0x4); stx_nlink is the u32 at offset 16.
        return StatX(-100, path, 0x100, 0x4, ref MemoryMarshal.GetReference(buffer)) != 0 ? 0 : BitConverter.ToUInt32(buffer[16..20]);
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

    private static int Stat(string path, int flags, out ulong device, out ulong inode, out int mode)
    {
        Span<byte> buffer = stackalloc byte[256];
        var result = StatX(-100, path, flags, 0x101 /* STATX_TYPE | STATX_INO */, ref MemoryMarshal.GetReference(buffer));
        // struct statx: stx_mode u16 at 28; stx_ino at offset 32 (u64); stx_dev_major at 136, stx_dev_minor at 140 (u32 each).
        mode = BitConverter.ToUInt16(buffer[28..30]);
        inode = BitConverter.ToUInt64(buffer[32..40]);
        device = ((ulong)BitConverter.ToUInt32(buffer[136..140]) << 32) | BitConverter.ToUInt32(buffer[140..144]);
        return result;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
