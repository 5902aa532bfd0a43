using System.Globalization;
using System.Runtime.InteropServices;

namespace FaceSorter.Diagnostics;

/// <summary>
/// Who owns a path and who this process runs as, as numeric <c>uid:gid</c> (statx(2),
/// geteuid(2)/getegid(2)): a container started with <c>--user</c> often has no passwd entry, so
/// numbers are what the user compares with <c>ls -ln</c> and passes to <c>chown</c> or <c>--user</c>.
/// </summary>
internal static partial class FileOwner
{
    /// <summary><c>uid:gid</c> of <paramref name="path"/> (a link is followed), or null when it cannot be read (missing, no search permission).</summary>
    public static string? Of(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        // STATX_UID|STATX_GID (0x8|0x10); stx_uid is the u32 at offset 20, stx_gid at 24.
        return StatX(-100, path, 0, 0x18, ref MemoryMarshal.GetReference(buffer)) == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{BitConverter.ToUInt32(buffer[20..24])}:{BitConverter.ToUInt32(buffer[24..28])}")
            : null;
    }

    /// <summary>The effective <c>uid:gid</c> this process runs as.</summary>
    public static string Current => string.Create(CultureInfo.InvariantCulture, $"{GetEUid()}:{GetEGid()}");

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEUid();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEGid();

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
