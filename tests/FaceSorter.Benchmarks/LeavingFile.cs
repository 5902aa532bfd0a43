using System.Diagnostics;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.Benchmarks;

/// <summary>
/// The moment one file leaves its folder (renamed away or deleted), seen by an inotify watch
/// (<see cref="FileSystemWatcher"/>) set before the file arrives: the waiting process sleeps instead of
/// polling, so it takes no CPU from the process being timed.
/// </summary>
internal sealed class LeavingFile : IDisposable
{
    private readonly string _path;
    private readonly FileSystemWatcher _watcher;
    private readonly TaskCompletionSource _left = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _clock;
    private long _leftAtTicks = -1;

    /// <summary>Watches <paramref name="path"/>'s folder from now on; <paramref name="clock"/> times the leaving.</summary>
    public LeavingFile(string path, Stopwatch clock)
    {
        _path = path;
        _clock = clock;
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.FileName,
            EnableRaisingEvents = false,
        };
        _watcher.Renamed += (_, e) => Left(e.OldFullPath);
        _watcher.Deleted += (_, e) => Left(e.FullPath);
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Waits until the file has left; returns the clock's reading when the event came.</summary>
    /// <exception cref="TimeoutException">The file is still there after <paramref name="deadline"/>.</exception>
    public async Task<TimeSpan> WaitAsync(TimeSpan deadline, DaemonProcess daemon)
    {
        using var timeout = new CancellationTokenSource(deadline);
        // A rename away from a watched name can arrive as Renamed with the old name, or be missed when the
        // watcher's buffer overflows: a check every 100 ms catches that, at a coarser time.
        while (!_left.Task.IsCompleted)
        {
            await Task.WhenAny(_left.Task, Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token).ContinueWith(_ => { }, TaskScheduler.Default));
            if (!_left.Task.IsCompleted && !File.Exists(_path))
            {
                Left(_path);
            }

            if (timeout.IsCancellationRequested && !_left.Task.IsCompleted)
            {
                throw new TimeoutException($"{_path} was not moved: " + daemon.Output);
            }
        }

        return TimeSpan.FromTicks(Interlocked.Read(ref _leftAtTicks));
    }

    public void Dispose() => _watcher.Dispose();

    private void Left(string path)
    {
        if (path == _path && Interlocked.CompareExchange(ref _leftAtTicks, _clock.Elapsed.Ticks, -1) == -1)
        {
            _left.TrySetResult();
        }
    }
}
