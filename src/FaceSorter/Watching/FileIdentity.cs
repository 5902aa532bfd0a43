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
