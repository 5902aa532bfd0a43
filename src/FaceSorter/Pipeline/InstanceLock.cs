using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using FaceSorter.Options;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace FaceSorter.Pipeline;

/// <summary>
/// One daemon (or <c>scan</c>) per drop folder and per SQLite file, taken before anything is watched
/// or moved: an exclusive <c>flock(2)</c> on the drop folder itself (a directory can be flocked, so
/// nothing is added to the folder) and, for SQLite, on <c>&lt;database&gt;.lock</c> beside the
/// database. Several daemons may share one PostgreSQL store with different drop folders; the lock on
/// the folder itself is what keeps two off the same folder (docs/operations.md, "One instance per
/// folder"). The kernel drops a flock when its holder dies, even by kill -9, so nothing stale ever
/// blocks a restart. The holder is named from <c>/proc/locks</c> (world-readable: it works across
/// users), and the database lock file also carries its pid. The lock file stays after exit:
/// removing it would race with a starting instance.
/// </summary>
public sealed partial class InstanceLock : IDisposable
{
    private readonly List<SafeFileHandle> _held = [];

    /// <summary>Takes every lock <paramref name="directories"/> and <paramref name="database"/> call for, or throws <see cref="InstanceBusyException"/> holding none.</summary>
    public static InstanceLock Acquire(DirectoriesOptions directories, DatabaseOptions database)
    {
        var instance = new InstanceLock();
        try
        {
            // What exists is locked first: a held lock exists, so a second instance is refused before it
            // creates a folder (its own drop folder, say) that it would leave behind empty.
            foreach (var (path, isFolder, what) in Targets(directories, database).OrderBy(target => (target.IsFolder ? Directory.Exists(target.Path) : File.Exists(target.Path)) ? 0 : 1))
            {
                Directory.CreateDirectory(isFolder ? path : Path.GetDirectoryName(path)!);
                if (Take(path, isFolder, what) is { } held)
                {
                    instance._held.Add(held);
                }
            }

            return instance;
        }
        catch
        {
            instance.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Who holds one of the locks now (its pid when known), or null when none is held. Creates
    /// nothing: a missing lock file means nobody holds it. The lock is tried for an instant.
    /// </summary>
    public static (int? Pid, string What)? FindHolder(DirectoriesOptions directories, DatabaseOptions database)
    {
        foreach (var (path, isFolder, what) in Targets(directories, database))
        {
            var fd = Open(path, ORdOnly | OCloExec | (isFolder ? ODirectory : 0), 0);
            if (fd < 0)
            {
                continue;
            }

            using var handle = new SafeFileHandle(fd, ownsHandle: true);
            if (Flock(fd, LockEx | LockNb) != 0 && Marshal.GetLastPInvokeError() == EWouldBlock)
            {
                return (Holder(path, isFolder ? null : handle), what);
            }
        }

        return null;
    }

    public void Dispose()
    {
        foreach (var handle in _held)
        {
            handle.Dispose(); // closing the descriptor releases its flock
        }

        _held.Clear();
    }

    private static IEnumerable<(string Path, bool IsFolder, string What)> Targets(DirectoriesOptions directories, DatabaseOptions database)
    {
        yield return (directories.Inbox, true, $"the drop folder {directories.Inbox}");
        if (database.Provider == DatabaseProvider.Sqlite
            && new SqliteConnectionStringBuilder(database.ConnectionString).DataSource is { Length: > 0 } source
            && source != ":memory:")
        {
            var file = Path.GetFullPath(source);
            yield return (file + ".lock", false, $"the database {file}");
        }
    }

    /// <summary>
    /// The held lock; null when the filesystem cannot lock it (NFS emulates flock with POSIX locks,
    /// which refuse a read-only descriptor such as a folder's): that lock is skipped rather than
    /// stopping a daemon that ran there before.
    /// </summary>
    private static SafeFileHandle? Take(string path, bool isFolder, string what)
    {
        var fd = isFolder ? -1 : Open(path, ORdWr | OCreat | OCloExec, 0b110_110_110); // 0666, narrowed by the umask
        var writable = fd >= 0;
        if (!writable)
        {
            // The folder itself, or someone else's lock file (another user's daemon): a read-only descriptor locks as well.
            fd = Open(path, ORdOnly | OCloExec | (isFolder ? ODirectory : 0), 0);
        }

        if (fd < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open the lock file {path}: {Marshal.GetPInvokeErrorMessage(error)} (errno {error})");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Flock(fd, LockEx | LockNb) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            var pid = Holder(path, isFolder ? null : handle);
            handle.Dispose();
            if (error != EWouldBlock)
            {
                return null;
            }

            throw new InstanceBusyException(pid, what, path);
        }

        if (writable)
        {
            var text = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            RandomAccess.SetLength(handle, 0);
            RandomAccess.Write(handle, text, 0);
        }

        return handle;
    }

    /// <summary>The holder's pid: the pid the lock file holds, else the FLOCK line of <c>/proc/locks</c> for the path's device and inode.</summary>
    private static int? Holder(string path, SafeFileHandle? lockFile)
    {
        if (lockFile is not null && ReadPid(lockFile) is { } written)
        {
            return written;
        }

        if (Watching.FileIdentity.Of(path) is not var (device, inode)) // folders only
        {
            return null;
        }

        // "1: FLOCK  ADVISORY  WRITE 4242 08:01:1234567 0 EOF": major and minor in hex, inode in decimal.
        var wanted = string.Create(CultureInfo.InvariantCulture, $"{device >> 32:x2}:{device & 0xFFFFFFFF:x2}:{inode}");
        try
        {
            foreach (var line in File.ReadLines("/proc/locks"))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 6 && fields[1] == "FLOCK" && fields[3] == "WRITE"
                    && string.Equals(fields[5], wanted, StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    return pid;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    private static int? ReadPid(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[32];
        try
        {
            var read = RandomAccess.Read(handle, buffer, 0);
            return int.TryParse(Encoding.ASCII.GetString(buffer[..read]).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private const int ORdOnly = 0;
    private const int ORdWr = 2;
    private const int OCreat = 0x40;
    private const int ODirectory = 0x10000;
    private const int OCloExec = 0x80000;
    private const int LockEx = 2;
    private const int LockNb = 4;
    private const int EWouldBlock = 11;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);
}

/// <summary>Another FaceSorter holds the drop folder or the database: this one must not start.</summary>
public sealed class InstanceBusyException(int? pid, string what, string lockFile)
    : Exception($"Another FaceSorter{(pid is { } id ? string.Create(CultureInfo.InvariantCulture, $" (pid {id})") : "")} is already running on {what}; not starting. Stop it first, or give this one its own FaceSorter:Directories:Inbox and FaceSorter:Database (lock: {lockFile})")
{
    public int? Pid { get; } = pid;

    public string LockFile { get; } = lockFile;
}
