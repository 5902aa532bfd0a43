using System.Collections.Concurrent;
using FaceSorter.Settling;

namespace FaceSorter.Pipeline;

/// <summary>
/// Which drop-folder files are in the pipeline now, which failed (so a failure is logged once and
/// the file is not retried until it changes) and which wait in the drop folder for Immich to answer
/// again. Shared by the monitor that hands files in and the pipeline that finishes them.
/// </summary>
public sealed class InboxLedger
{
    /// <summary>
    /// Files set aside for Immich that are remembered at most, the monitor's working set: the ones beyond
    /// are forgotten and found again by the scan that follows <see cref="WaitingForImmichReleased"/>, so
    /// an outage with a million files costs no more memory than one with a few thousand
    /// (docs/architecture.md, "A bounded working set").
    /// </summary>
    public const int MaxWaitingForImmich = SettleTracker.DefaultCapacity;

    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Length, DateTime LastWriteUtc)> _failed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Length, DateTime LastWriteUtc)> _waitingForSpace = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Length, DateTime LastWriteUtc)> _waitingForDestination = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Length, DateTime LastWriteUtc, string Hash)> _waitingForImmich = new(StringComparer.Ordinal);
    private int _notRemembered; // set aside beyond MaxWaitingForImmich since the last release: counted, not known by path

    /// <summary>Files handed to the pipeline and not finished: queued, hashed, asked about (also while an Immich outage is waited out) or moved.</summary>
    public int InFlightCount => _inFlight.Count;

    /// <summary>
    /// Of <see cref="InFlightCount"/>, the files still in the drop folder: one the user deleted while it
    /// waited (an Immich outage is waited out in the pipeline) stays in flight until its next try finds it
    /// gone, and is not waiting there. Looks at each file in flight (no more than the pipeline holds).
    /// </summary>
    public int InFlightPresentCount => _inFlight.Keys.Count(File.Exists);

    /// <summary>
    /// Files whose journey failed (held in the drop folder with a recorded reason) that are still there
    /// unchanged; one that changed is settled again and counted there. Looks at each such file (few).
    /// </summary>
    public int HeldCount => _failed.Concat(_waitingForSpace).Concat(_waitingForDestination).Count(entry => !_inFlight.ContainsKey(entry.Key) && IsUnchanged(entry.Key, entry.Value));

    /// <summary>Files that wait in the drop folder for disk space (<see cref="WaitForSpace"/>).</summary>
    public int WaitingForSpaceCount => _waitingForSpace.Count;

    /// <summary>Files whose move their destination refused (<see cref="WaitForDestination"/>).</summary>
    public int WaitingForDestinationCount => _waitingForDestination.Count;

    /// <summary>Raised when the files that waited for disk space or for their destination may be handed in again: the monitor scans the drop folder, which finds them.</summary>
    public event Action? WaitingForSpaceReleased;

    /// <summary>
    /// Raised with a path that is no longer in the pipeline (sorted, failed or sent back): the monitor
    /// looks at it again (a new download under the same name, a file to settle again) and a one-shot
    /// scan learns that its last file is done.
    /// </summary>
    public event Action<string>? Released;

    /// <summary>
    /// Raised when the files set aside for Immich (<see cref="WaitForImmich"/>) may be handed in again, Immich
    /// answering: the monitor scans the drop folder, which finds them, the forgotten ones too.
    /// </summary>
    public event Action? WaitingForImmichReleased;

    /// <summary>
    /// Raised with the path and content hash of a file set aside for Immich that left the drop folder without
    /// us (the user deleted or moved it): the pipeline gives up its claim and its hold, as for a file that
    /// vanished in the pipeline.
    /// </summary>
    public event Action<string, string>? WaitingForImmichGone;

    /// <summary>Files set aside for Immich and remembered (at most <see cref="MaxWaitingForImmich"/>); see <see cref="WaitForImmich"/>.</summary>
    public int WaitingForImmichCount => _waitingForImmich.Count;

    /// <summary>
    /// Files set aside for Immich since the last release, remembered or not: what waits for Immich in the drop
    /// folder. One not remembered and deleted meanwhile is still counted (it is not known by path).
    /// </summary>
    public int SetAsideCount => _waitingForImmich.Count + Volatile.Read(ref _notRemembered);

    public bool IsInFlight(string path) => _inFlight.ContainsKey(path);

    /// <summary>False when the file is already in the pipeline, or failed or waits for Immich, and has not changed since.</summary>
    public bool TryStart(InboxFile file)
    {
        if (IsSetAsideUnchanged(file.Path, file.Length, file.LastWriteUtc))
        {
            return false;
        }

        _failed.TryRemove(file.Path, out _);
        _waitingForSpace.TryRemove(file.Path, out _);
        _waitingForDestination.TryRemove(file.Path, out _);
        _waitingForImmich.TryRemove(file.Path, out _);
        return _inFlight.TryAdd(file.Path, 0);
    }

    /// <summary>The file left the drop folder (moved) or vanished.</summary>
    public void Finish(string path)
    {
        _inFlight.TryRemove(path, out _);
        Released?.Invoke(path);
    }

    /// <summary>The file changed under us or must be tried again: it goes back to the settle rule.</summary>
    public void Requeue(string path)
    {
        _inFlight.TryRemove(path, out _);
        Released?.Invoke(path);
    }

    /// <summary>The file stays in the drop folder with a recorded reason until it changes.</summary>
    public void Fail(InboxFile file) => SetAside(_failed, file);

    /// <summary>
    /// The disk or the store was full: not the file's fault. It stays in the drop folder, not handed in again until
    /// <see cref="ReleaseWaitingForSpace"/> (space is back, or the pipeline tries again) or until it changes.
    /// </summary>
    public void WaitForSpace(InboxFile file) => SetAside(_waitingForSpace, file);

    /// <summary>Every file that waited for disk space may be handed in again (<see cref="WaitingForSpaceReleased"/>). Returns how many.</summary>
    public int ReleaseWaitingForSpace() => Release(_waitingForSpace);

    /// <summary>
    /// Its move was refused by the filesystem (a file where its folder goes, a folder that may not be written): not
    /// the file's fault. It stays in the drop folder, not handed in again until <see cref="ReleaseWaitingForDestination"/>
    /// or until it changes.
    /// </summary>
    public void WaitForDestination(InboxFile file) => SetAside(_waitingForDestination, file);

    /// <summary>These files that waited for their destination may be handed in again (<see cref="WaitingForSpaceReleased"/>). Returns how many of them waited.</summary>
    public int ReleaseWaitingForDestination(IEnumerable<string> paths)
    {
        var count = paths.Count(path => _waitingForDestination.TryRemove(path, out _));
        WaitingForSpaceReleased?.Invoke();
        return count;
    }

    /// <summary>
    /// The file needs Immich, which is down, and the files before it fill the pipeline: it leaves the pipeline
    /// untouched and waits in the drop folder, not handed in again until <see cref="ReleaseWaitingForImmich"/>
    /// or until it changes. Returns false when it is not remembered (<see cref="MaxWaitingForImmich"/> are):
    /// the scan after the release finds it.
    /// </summary>
    public bool WaitForImmich(InboxFile file, string hash)
    {
        var remembered = _waitingForImmich.Count < MaxWaitingForImmich;
        if (remembered)
        {
            _waitingForImmich[file.Path] = (file.Length, file.LastWriteUtc, hash);
        }
        else
        {
            Interlocked.Increment(ref _notRemembered);
        }

        _inFlight.TryRemove(file.Path, out _);
        return remembered;
    }

    /// <summary>Immich answers again: every file set aside for it may be handed in again (<see cref="WaitingForImmichReleased"/>). Returns how many were remembered.</summary>
    public int ReleaseWaitingForImmich()
    {
        var count = _waitingForImmich.Count;
        _waitingForImmich.Clear();
        Interlocked.Exchange(ref _notRemembered, 0);
        WaitingForImmichReleased?.Invoke();
        return count;
    }

    public bool IsWaitingForImmich(string path) => _waitingForImmich.ContainsKey(path);

    /// <summary>A file set aside for Immich is gone from the drop folder (deleted or moved by the user): <see cref="WaitingForImmichGone"/>.</summary>
    public void ForgetWaitingForImmich(string path)
    {
        if (_waitingForImmich.TryRemove(path, out var gone))
        {
            WaitingForImmichGone?.Invoke(path, gone.Hash);
        }
    }

    /// <summary>After a scan that went through the whole drop folder: files set aside for Immich that are gone are forgotten.</summary>
    public void RetainWaitingForImmich(IReadOnlySet<string> seen)
    {
        foreach (var path in _waitingForImmich.Keys)
        {
            if (!seen.Contains(path))
            {
                ForgetWaitingForImmich(path);
            }
        }
    }

    /// <summary>True when the file failed, or waits for disk space, its destination or Immich, and has not changed since: it is not handed in again.</summary>
    public bool IsSetAsideUnchanged(string path, long length, DateTime lastWriteUtc) =>
        (_failed.TryGetValue(path, out var failed) && failed == (length, lastWriteUtc))
        || (_waitingForSpace.TryGetValue(path, out var full) && full == (length, lastWriteUtc))
        || (_waitingForDestination.TryGetValue(path, out var refused) && refused == (length, lastWriteUtc))
        || (_waitingForImmich.TryGetValue(path, out var waiting) && (waiting.Length, waiting.LastWriteUtc) == (length, lastWriteUtc));

    private void SetAside(ConcurrentDictionary<string, (long Length, DateTime LastWriteUtc)> set, InboxFile file)
    {
        set[file.Path] = (file.Length, file.LastWriteUtc);
        _inFlight.TryRemove(file.Path, out _);
        Released?.Invoke(file.Path);
    }

    private int Release(ConcurrentDictionary<string, (long Length, DateTime LastWriteUtc)> set)
    {
        var count = set.Count;
        set.Clear();
        WaitingForSpaceReleased?.Invoke();
        return count;
    }

    private static bool IsUnchanged(string path, (long Length, DateTime LastWriteUtc) failed)
    {
        var info = new FileInfo(path);
        return info.Exists && (info.Length, info.LastWriteTimeUtc) == failed;
    }
}
