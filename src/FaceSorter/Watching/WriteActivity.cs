using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;
using FaceSorter.Settling;
using Microsoft.Extensions.Logging;

namespace FaceSorter.Watching;

/// <summary>
/// Answers "was this file written and not closed-for-write since?" for every file in the drop folder,
/// whoever writes it. It reads raw inotify: the kernel reports every user's writes to a watched
/// folder (IN_MODIFY) and every close of a descriptor opened for writing (IN_CLOSE_WRITE), while the
/// <c>/proc/*/fd</c> scan sees only the processes it may read. .NET's FileSystemWatcher never
/// delivers IN_CLOSE_WRITE (docs/linux-facts.md "Writers FaceSorter cannot see"), hence P/Invoke.
/// <para>
/// One inotify instance watches the drop folder and each sub-folder (added as they appear). A
/// dedicated thread reads events and only records them under a short lock; it never waits on
/// anything else. Limits: a file written before the watch began, or whose events were lost in a
/// queue overflow (IN_Q_OVERFLOW clears everything), is <see cref="WriteState.Unknown"/>, and the
/// settle rule then applies its longer quiet period when the <c>/proc</c> scan is blind. Files in a
/// folder created a moment before its watch was added are Unknown too.
/// </para>
/// </summary>
public sealed partial class WriteActivity : IDisposable
{
    private const uint InModify = 0x2;
    private const uint InOpen = 0x20;
    private const uint InCloseWrite = 0x8;
    private const uint InMovedFrom = 0x40;
    private const uint InMovedTo = 0x80;
    private const uint InCreate = 0x100;
    private const uint InDelete = 0x200;
    private const uint InDeleteSelf = 0x400;
    private const uint InQOverflow = 0x4000;
    private const uint InIgnored = 0x8000;
    private const uint InOnlyDir = 0x01000000;
    private const uint InDontFollow = 0x02000000;
    private const uint InIsDir = 0x40000000;
    private const int InNonBlock = 0x800;
    private const int InCloExec = 0x80000;
    private const short PollIn = 0x1;
    private const int HeaderBytes = 16; // struct inotify_event: int wd; u32 mask, cookie, len; char name[]
    private const uint DirectoryMask = InModify | InCloseWrite | InCreate | InMovedFrom | InMovedTo | InDelete | InDeleteSelf | InOnlyDir;
    private static readonly TimeSpan StopCheck = TimeSpan.FromMilliseconds(200);

    private readonly object _gate = new();
    private readonly object _reading = new(); // one reader of the inotify queue at a time: the thread or CatchUp
    private readonly byte[] _catchUpBuffer = new byte[64 * 1024];
    private readonly Dictionary<int, FileWatch> _fileWatches = [];                     // watch descriptor → a file's IN_OPEN watch
    private readonly Dictionary<int, string> _directories = [];                         // watch descriptor → folder path
    private readonly Dictionary<string, WriteState> _files = new(StringComparer.Ordinal); // what the events said, per file
    private readonly ILogger _logger;
    private Thread? _reader;
    private int _fd = -1;
    private volatile bool _stopping;
    private long _namesChanged; // see NamesChanged
    private bool _warnedWatchLimit;

    public WriteActivity(ILogger<WriteActivity> logger)
    {
        _logger = logger;
    }

    /// <summary>True while inotify watches the folder; false before <see cref="Start"/> or when it could not.</summary>
    public bool IsActive { get; private set; }

    /// <summary>Why inotify is not watching, when <see cref="IsActive"/> is false after a start.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>
    /// A count that goes up whenever a name a listing of a watched folder would answer differently for may have
    /// appeared: a file whose name is a working file's exact companion name
    /// (<see cref="DownloadNames.CompanionOwnerOf"/>) created, linked or moved in; any folder created, moved
    /// in or out, or gone; events lost (queue overflow); a (re)start. The same value before a listing and
    /// after a later <see cref="CatchUp"/>, with <see cref="IsActive"/> true throughout, means no such
    /// name appeared in between (docs/linux-facts.md, "Working files, looked up by listing").
    /// </summary>
    public long NamesChanged => Interlocked.Read(ref _namesChanged);

    /// <summary>(Re)starts watching <paramref name="root"/> and every folder below it; forgets what was recorded before.</summary>
    public void Start(string root) => Start(root, alongside: null);

    /// <summary>
    /// Like <see cref="Start(string)"/>, and runs <paramref name="alongside"/> (another watcher's start) on a second
    /// thread while the folders below the root are walked: each walk reads every entry below the root, 0.4 s for
    /// 1,000,000 files, so on two cores they take one walk's time. It starts only once the root itself is watched,
    /// so a descriptor it makes appears after this one's (how <see cref="TreeWatcher"/> finds its own).
    /// It runs whatever happens here, and its exception is thrown as it was.
    /// </summary>
    public void Start(string root, Action? alongside)
    {
        Stop();
        lock (_gate)
        {
            _files.Clear();
            _directories.Clear();
            LoseFileWatches(); // they belonged to the old inotify instance
        }

        Interlocked.Increment(ref _namesChanged);
        _fd = InotifyInit1(InNonBlock | InCloExec);
        if (_fd < 0)
        {
            Fail(root, $"inotify_init1 failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())} (the limit is fs.inotify.max_user_instances)");
            alongside?.Invoke();
            return;
        }

        if (!AddWatch(root))
        {
            Fail(root, $"cannot watch it: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            Close(ref _fd);
            alongside?.Invoke();
            return;
        }

        Exception? failedAlongside = null;
        if (alongside is null)
        {
            AddSubfolders(root);
        }
        else
        {
            // On a thread of its own, not the thread pool's: a walk holds its thread for as long as it takes (about
            // 0.4 s per 1,000,000 files), and on two cores the pool has two threads to start with.
            var other = Task.Factory.StartNew(alongside, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            try
            {
                AddSubfolders(root);
            }
            finally
            {
                try
                {
                    other.Wait();
                }
                catch (AggregateException exception) when (exception.InnerExceptions.Count == 1)
                {
                    failedAlongside = exception.InnerExceptions[0]; // thrown once this watch runs, as when the two started one after the other
                }
            }
        }

        _stopping = false;
        IsActive = true;
        FailureReason = null;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "FaceSorter write activity" };
        _reader.Start(_fd);
        if (failedAlongside is not null)
        {
            ExceptionDispatchInfo.Throw(failedAlongside);
        }
    }

    /// <summary>What inotify has said about <paramref name="path"/> (a full path under the watched folder).</summary>
    public WriteState StateOf(string path)
    {
        lock (_gate)
        {
            return _files.TryGetValue(path, out var state) ? state : WriteState.Unknown;
        }
    }

    /// <summary>
    /// Starts reporting every open(2) of the file at <paramref name="path"/>, by any process of any user,
    /// through whatever path, hard link or mount reaches it: an inotify IN_OPEN watch on the file's inode
    /// (inotify(7)). Returns the watch descriptor and the file's device and inode (stat-ed before and
    /// after the watch was added, the same both times), or null when inotify is not watching, the file
    /// cannot be watched, or it changed identity meanwhile. Release it with <see cref="StopWatchingOpens"/>.
    /// </summary>
    public (int Watch, (ulong Device, ulong Inode) Identity)? WatchOpens(string path)
    {
        if (!IsActive || _fd < 0 || FileIdentity.OfFile(path) is not { } before)
        {
            return null;
        }

        var wd = InotifyAddWatch(_fd, path, InOpen | InDontFollow);
        if (wd < 0)
        {
            return null;
        }

        lock (_gate)
        {
            if (_fileWatches.TryGetValue(wd, out var shared))
            {
                shared.Users++; // the same inode by another name (a hard link)
            }
            else
            {
                _fileWatches[wd] = new FileWatch();
            }
        }

        if (FileIdentity.OfFile(path) != before)
        {
            StopWatchingOpens(wd);
            return null;
        }

        return (wd, before);
    }

    /// <summary>
    /// True when the file of <paramref name="watch"/> may have been opened since <see cref="WatchOpens"/>:
    /// an IN_OPEN was recorded, or events were lost (queue overflow, watch removed, inotify restarted).
    /// Call <see cref="CatchUp"/> first so that every open made before the call is recorded.
    /// </summary>
    public bool OpenedSince(int watch)
    {
        lock (_gate)
        {
            return !IsActive || !_fileWatches.TryGetValue(watch, out var state) || state.Opened;
        }
    }

    /// <summary>Removes a watch from <see cref="WatchOpens"/> once its last user is done with it.</summary>
    public void StopWatchingOpens(int watch)
    {
        lock (_gate)
        {
            if (!_fileWatches.TryGetValue(watch, out var state) || --state.Users > 0)
            {
                return;
            }

            _fileWatches.Remove(watch);
        }

        if (_fd >= 0)
        {
            _ = InotifyRmWatch(_fd, watch);
        }
    }

    /// <summary>
    /// Reads and records every event the kernel has queued, now, on the caller's thread. The kernel
    /// queues an event during the system call that causes it, so after this returns every open of a
    /// watched file made before the call is recorded (<see cref="OpenedSince"/>).
    /// </summary>
    public void CatchUp()
    {
        if (!IsActive)
        {
            return; // not watching, or still starting (on another thread): nothing it says can be relied on yet
        }

        lock (_reading)
        {
            while (_fd >= 0)
            {
                var read = Read(_fd, _catchUpBuffer, _catchUpBuffer.Length);
                if (read <= 0)
                {
                    return; // EAGAIN: the queue is empty
                }

                Record(_catchUpBuffer.AsSpan(0, (int)read));
            }
        }
    }

    public void Dispose() => Stop();

    private void Stop()
    {
        _stopping = true;
        _reader?.Join();
        _reader = null;
        lock (_reading)
        {
            Close(ref _fd);
        }

        IsActive = false;
        lock (_gate)
        {
            LoseFileWatches();
        }
    }

    /// <summary>Every file watch counts as opened from now on (its events can no longer be trusted). Under <see cref="_gate"/>.</summary>
    private void LoseFileWatches()
    {
        foreach (var state in _fileWatches.Values)
        {
            state.Opened = true;
        }
    }

    private void Fail(string root, string reason)
    {
        IsActive = false;
        FailureReason = reason;
        _logger.WriteActivityUnavailable(root, reason);
    }

    /// <summary>Watches <paramref name="folder"/> and the folders below it; false when the folder itself cannot be watched.</summary>
    private bool AddTree(string folder)
    {
        if (!AddWatch(folder))
        {
            return false;
        }

        AddSubfolders(folder);
        return true;
    }

    private void AddSubfolders(string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        try
        {
            foreach (var sub in Directory.EnumerateDirectories(folder, "*", options))
            {
                AddWatch(sub);
            }
        }
        catch (IOException)
        {
            // The folder went away while we walked it; its IN_DELETE_SELF follows.
        }
    }

    private bool AddWatch(string folder)
    {
        var wd = InotifyAddWatch(_fd, folder, DirectoryMask);
        if (wd < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error == 28 && !_warnedWatchLimit) // ENOSPC: fs.inotify.max_user_watches reached
            {
                _warnedWatchLimit = true;
                _logger.WriteActivityUnavailable(folder, "fs.inotify.max_user_watches is reached; raise it with sysctl");
            }

            return false;
        }

        lock (_gate)
        {
            _directories[wd] = folder; // the same folder (inode) always gets the same descriptor: a moved folder's path is updated
        }

        return true;
    }

    private void ReadLoop(object? state)
    {
        var fd = (int)state!;
        var buffer = new byte[64 * 1024];
        while (!_stopping)
        {
            var poll = new PollFd { Fd = fd, Events = PollIn };
            if (Poll(ref poll, 1, (int)StopCheck.TotalMilliseconds) <= 0)
            {
                continue;
            }

            lock (_reading)
            {
                var read = Read(fd, buffer, buffer.Length);
                if (read <= 0)
                {
                    continue; // EAGAIN (CatchUp read it first) or EINTR
                }

                Record(buffer.AsSpan(0, (int)read));
            }
        }
    }

    private void Record(ReadOnlySpan<byte> events)
    {
        var offset = 0;
        while (offset + HeaderBytes <= events.Length)
        {
            var wd = BitConverter.ToInt32(events[offset..]);
            var mask = BitConverter.ToUInt32(events[(offset + 4)..]);
            var length = (int)BitConverter.ToUInt32(events[(offset + 12)..]);
            var nameBytes = events.Slice(offset + HeaderBytes, length);
            var end = nameBytes.IndexOf((byte)0);
            var name = Encoding.UTF8.GetString(end < 0 ? nameBytes : nameBytes[..end]);
            offset += HeaderBytes + length;
            Apply(wd, mask, name);
        }
    }

    private void Apply(int wd, uint mask, string name)
    {
        if ((mask & InQOverflow) != 0)
        {
            Interlocked.Increment(ref _namesChanged);
            lock (_gate)
            {
                _files.Clear(); // events were lost: nothing recorded can be trusted
                LoseFileWatches();
            }

            _logger.WriteActivityOverflow();
            return;
        }

        string? folder;
        lock (_gate)
        {
            if (_fileWatches.TryGetValue(wd, out var fileWatch))
            {
                fileWatch.Opened = true; // IN_OPEN, or IN_IGNORED: the watch is gone (the file was deleted)
                return;
            }

            _directories.TryGetValue(wd, out folder);
            if ((mask & InIgnored) != 0)
            {
                Interlocked.Increment(ref _namesChanged); // a watched folder is gone
                _directories.Remove(wd);
                return;
            }
        }

        if (folder is null || name.Length == 0)
        {
            return; // an event about a watched folder itself (IN_DELETE_SELF): IN_IGNORED follows
        }

        var path = folder + "/" + name;
        if ((mask & InIsDir) != 0 || ((mask & (InCreate | InMovedTo)) != 0 && !DownloadNames.CompanionOwnerOf(name).IsEmpty))
        {
            Interlocked.Increment(ref _namesChanged);
        }

        if ((mask & InIsDir) != 0)
        {
            if ((mask & (InCreate | InMovedTo)) != 0)
            {
                AddTree(path);
            }
            else if ((mask & InMovedFrom) != 0)
            {
                Forget(path + "/");
            }

            return;
        }

        // link(2) shows as IN_CREATE alone, and no write or close ever follows it: a second name for a file
        // that already exists (ln, cp -l), which it brings whole, as a rename does. A new file has one name.
        // Read before the lock: a system call.
        var linked = (mask & (InCreate | InModify)) == InCreate && FileIdentity.LinkCount(path) > 1;
        lock (_gate)
        {
            if ((mask & (InDelete | InMovedFrom)) != 0)
            {
                _files.Remove(path);
            }
            else if ((mask & InCloseWrite) != 0 || (mask & InMovedTo) != 0 || linked)
            {
                _files[path] = WriteState.Closed; // a rename or a link brings a whole file; a later write reopens it
            }
            else if ((mask & (InModify | InCreate)) != 0)
            {
                _files[path] = WriteState.Writing; // creat() and write() need a descriptor open for writing
            }
        }
    }

    private void Forget(string prefix)
    {
        lock (_gate)
        {
            foreach (var path in _files.Keys.Where(path => path.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                _files.Remove(path);
            }
        }
    }

    private static void Close(ref int fd)
    {
        if (fd >= 0)
        {
            _ = CloseFd(fd);
            fd = -1;
        }
    }

    /// <summary>An IN_OPEN watch on one file (<see cref="WatchOpens"/>); its fields are guarded by <see cref="_gate"/>.</summary>
    private sealed class FileWatch
    {
        public int Users { get; set; } = 1;

        public bool Opened { get; set; }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    private static partial int InotifyInit1(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int InotifyAddWatch(int fd, string path, uint mask);

    [LibraryImport("libc", EntryPoint = "inotify_rm_watch", SetLastError = true)]
    private static partial int InotifyRmWatch(int fd, int wd);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, ulong count, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, [Out] byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseFd(int fd);
}
