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
    private const uint InCloseWrite = 0x8;
    private const uint InMovedFrom = 0x40;
    private const uint InMovedTo = 0x80;
    private const uint InCreate = 0x100;
    private const uint InDelete = 0x200;
    private const uint InDeleteSelf = 0x400;
    private const uint InQOverflow = 0x4000;
    private const uint InIgnored = 0x8000;
    private const uint InOnlyDir = 0x01000000;
    private const uint InIsDir = 0x40000000;
    private const int InNonBlock = 0x800;
    private const int InCloExec = 0x80000;
    private const short PollIn = 0x1;
    private const int HeaderBytes = 16; // struct inotify_event: int wd; u32 mask, cookie, len; char name[]
    private const uint DirectoryMask = InModify | InCloseWrite | InCreate | InMovedFrom | InMovedTo | InDelete | InDeleteSelf | InOnlyDir;
    private static readonly TimeSpan StopCheck = TimeSpan.FromMilliseconds(200);

    private readonly object _gate = new();
    private readonly Dictionary<int, string> _directories = [];                         // watch descriptor → folder path
    private readonly Dictionary<string, WriteState> _files = new(StringComparer.Ordinal); // what the events said, per file
    private readonly ILogger _logger;
    private Thread? _reader;
    private int _fd = -1;
    private volatile bool _stopping;
    private bool _warnedWatchLimit;

    public WriteActivity(ILogger<WriteActivity> logger)
    {
        _logger = logger;
    }

    /// <summary>True while inotify watches the folder; false before <see cref="Start"/> or when it could not.</summary>
    public bool IsActive { get; private set; }

    /// <summary>Why inotify is not watching, when <see cref="IsActive"/> is false after a start.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>(Re)starts watching <paramref name="root"/> and every folder below it; forgets what was recorded before.</summary>
    public void Start(string root)
    {
        Stop();
        lock (_gate)
        {
            _files.Clear();
            _directories.Clear();
        }

        _fd = InotifyInit1(InNonBlock | InCloExec);
        if (_fd < 0)
        {
            Fail(root, $"inotify_init1 failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())} (the limit is fs.inotify.max_user_instances)");
            return;
        }

        if (!AddTree(root))
        {
            Fail(root, $"cannot watch it: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            Close(ref _fd);
            return;
        }

        _stopping = false;
        IsActive = true;
        FailureReason = null;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "FaceSorter write activity" };
        _reader.Start(_fd);
    }

    /// <summary>What inotify has said about <paramref name="path"/> (a full path under the watched folder).</summary>
    public WriteState StateOf(string path)
    {
        lock (_gate)
        {
            return _files.TryGetValue(path, out var state) ? state : WriteState.Unknown;
        }
    }

    public void Dispose() => Stop();

    private void Stop()
    {
        _stopping = true;
        _reader?.Join();
        _reader = null;
        Close(ref _fd);
        IsActive = false;
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

        return true;
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

            var read = Read(fd, buffer, buffer.Length);
            if (read <= 0)
            {
                continue; // EAGAIN or EINTR
            }

            Record(buffer.AsSpan(0, (int)read));
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
            lock (_gate)
            {
                _files.Clear(); // events were lost: nothing recorded can be trusted
            }

            _logger.WriteActivityOverflow();
            return;
        }

        string? folder;
        lock (_gate)
        {
            _directories.TryGetValue(wd, out folder);
            if ((mask & InIgnored) != 0)
            {
                _directories.Remove(wd);
                return;
            }
        }

        if (folder is null || name.Length == 0)
        {
            return; // an event about a watched folder itself (IN_DELETE_SELF): IN_IGNORED follows
        }

        var path = folder + "/" + name;
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

        lock (_gate)
        {
            if ((mask & (InDelete | InMovedFrom)) != 0)
            {
                _files.Remove(path);
            }
            else if ((mask & InCloseWrite) != 0 || (mask & InMovedTo) != 0)
            {
                _files[path] = WriteState.Closed; // a rename brings a whole file; a later write reopens it
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

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, ulong count, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, [Out] byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseFd(int fd);
}
