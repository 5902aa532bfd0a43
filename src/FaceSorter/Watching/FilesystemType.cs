using System.Globalization;
using System.Runtime.InteropServices;

namespace FaceSorter.Watching;

/// <summary>
/// What a folder's filesystem is, from <c>statfs(2)</c>'s <c>f_type</c> (the magic numbers of
/// <c>linux/magic.h</c>), and whether inotify reports every change on it. On a network or FUSE
/// filesystem inotify sees only changes made through this machine's kernel: a file written by another
/// machine into an NFS, SMB/CIFS, 9p, Ceph, AFS or FUSE (sshfs, rclone, virtiofs) mount raises no
/// event (docs/linux-facts.md, "Network shares"). An unknown type counts as local.
/// </summary>
public sealed partial record FilesystemType(long Magic, string Name, bool EventsReliable)
{
    private static readonly Dictionary<long, FilesystemType> Known = new[]
    {
        Remote(0x6969, "nfs"),
        Remote(0x517B, "smb"),
        Remote(0xFF534D42, "cifs"),
        Remote(0xFE534D42, "smb2"),
        Remote(0x65735546, "fuse (sshfs, rclone, virtiofs, …)"),
        Remote(0x01021997, "9p"),
        Remote(0x00C36400, "ceph"),
        Remote(0x5346414F, "afs"),
        Remote(0x6B414653, "kafs"),
        Remote(0x73757245, "coda"),
        Remote(0x564C, "ncp"),
        Remote(0x7461636F, "ocfs2"),
        Remote(0x01161970, "gfs2"),
        Remote(0x0BD00BD0, "lustre"),
        Remote(0x47504653, "gpfs"),
        Local(0xEF53, "ext2/ext3/ext4"),
        Local(0x01021994, "tmpfs"),
        Local(0x58465342, "xfs"),
        Local(0x9123683E, "btrfs"),
        Local(0x794C7630, "overlayfs"),
        Local(0x2FC12FC1, "zfs"),
        Local(0xF2F52010, "f2fs"),
        Local(0x4D44, "vfat"),
        Local(0x2011BAB0, "exfat"),
        Local(0x5346544E, "ntfs"),
    }.ToDictionary(type => type.Magic);

    /// <summary>The type for a <c>statfs</c> <c>f_type</c> value; an unknown one is named by its number and counted as local.</summary>
    public static FilesystemType FromMagic(long magic) =>
        Known.TryGetValue(magic, out var known) ? known : new FilesystemType(magic, string.Create(CultureInfo.InvariantCulture, $"unknown (0x{magic:X})"), EventsReliable: true);

    /// <summary>The filesystem holding <paramref name="path"/> (or its first existing parent); null when nothing on the way exists or statfs fails.</summary>
    public static FilesystemType? Of(string path)
    {
        for (var current = Path.GetFullPath(path); current is not null; current = Path.GetDirectoryName(current))
        {
            if (Path.Exists(current))
            {
                return StatFsType(current) is { } magic ? FromMagic(magic) : null;
            }
        }

        return null;
    }

    private static FilesystemType Remote(uint magic, string name) => new(magic, name, EventsReliable: false);

    private static FilesystemType Local(uint magic, string name) => new(magic, name, EventsReliable: true);

    private static unsafe long? StatFsType(string path)
    {
        // struct statfs starts with f_type (a long on 64-bit Linux); 256 bytes holds the whole struct
        // (120 bytes on x86-64 and arm64).
        var buffer = stackalloc long[32];
        return StatFs(path, buffer) == 0 ? (uint)buffer[0] : null;
    }

    [LibraryImport("libc", EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatFs(string path, long* buffer);
}
