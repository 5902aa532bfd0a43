using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using FaceSorter.Options;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace FaceSorter.Pipeline;

/// <summary>
/// One daemon (or <c>scan</c>) per drop folder and per SQLite file, taken before anything is watched
/// or moved: an exclusive <c>flock(2)</c> on <c>.facesorter.lock</c> in the drop folder (a hidden name,
/// which the drop-folder scan never takes) and, for SQLite, on <c>&lt;database&gt;.lock</c> beside the
/// database. Several daemons may share one PostgreSQL store with different drop folders; the lock
/// in the drop folder itself is what keeps two off the same folder (docs/operations.md, "One
/// instance per folder"). The kernel drops a flock when its holder dies, even by kill -9, so a
/// stale lock file never blocks a restart. The holder writes its pid into the file for the
/// message the next one prints. The files stay after exit: removing them would race with a
/// starting instance.
/// </summary>
public sealed partial class InstanceLock : IDisposable
{
    public const string DropFolderLockName = ".facesorter.lock";

    private readonly List<SafeFileHandle> _held = [];

    /// <summary>Takes every lock <paramref name="directories"/> and <paramref name="database"/> call for, or throws <see cref="InstanceBusyException"/> holding none.</summary>
    public static InstanceLock Acquire(DirectoriesOptions directories, DatabaseOptions database)
    {
        var instance = new InstanceLock();
        try
        {
            foreach (var (path, what) in Targets(directories, database))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                instance._held.Add(Take(path, what));
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
    /// The pid of the process that holds one of the locks now (0 when it did not write one), or null
    /// when none is held. Creates nothing: a missing lock file means nobody holds it.
    /// </summary>
    public static (int? Pid, string What)? FindHolder(DirectoriesOptions directories, DatabaseOptions database)
    {
        foreach (var (path, what) in Targets(directories, database))
        {
            var fd = Open(path, ORdOnly | OCloExec, 0);
            if (fd < 0)
            {
                continue;
            }

            using var handle = new SafeFileHandle(fd, ownsHandle: true);
            if (Flock(fd, LockEx | LockNb) != 0)
            {
                return (ReadPid(handle), what);
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

    private static IEnumerable<(string Path, string What)> Targets(DirectoriesOptions directories, DatabaseOptions database)
    {
        yield return (Path.Combine(directories.Inbox, DropFolderLockName), $"the drop folder {directories.Inbox}");
        if (database.Provider == DatabaseProvider.Sqlite
            && new SqliteConnectionStringBuilder(database.ConnectionString).DataSource is { Length: > 0 } source
            && source != ":memory:")
        {
            var file = Path.GetFullPath(source);
            yield return (file + ".lock", $"the database {file}");
        }
    }

    private static SafeFileHandle Take(string path, string what)
    {
        var fd = Open(path, ORdWr | OCreat | OCloExec, 0b110_110_110); // 0666, narrowed by the umask
        var writable = fd >= 0;
        if (!writable)
        {
            // Someone else's lock file (another user's daemon): a read-only descriptor locks as well.
            fd = Open(path, ORdOnly | OCloExec, 0);
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
            var pid = ReadPid(handle);
            handle.Dispose();
            if (error != EWouldBlock)
            {
                throw new IOException($"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(error)} (errno {error})");
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
