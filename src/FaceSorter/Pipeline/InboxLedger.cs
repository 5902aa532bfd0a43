using System.Collections.Concurrent;
namespace FaceSorter.Pipeline;

/// <summary>
/// Which drop-folder files are in the pipeline now, and which failed (so a failure is logged once and
/// the file is not retried until it changes). Shared by the monitor that hands files in and the
/// pipeline that finishes them.
/// </summary>
public sealed class InboxLedger
{
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Length, DateTime LastWriteUtc)> _failed = new(StringComparer.Ordinal);

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
    public int HeldCount => _failed.Count(entry => !_inFlight.ContainsKey(entry.Key) && IsUnchanged(entry.Key, entry.Value));

    /// <summary>
    /// Raised with a path that is no longer in the pipeline (sorted, failed or sent back): the monitor
    /// looks at it again (a new download under the same name, a file to settle again) and a one-shot
    /// scan learns that its last file is done.
    /// </summary>
    public event Action<string>? Released;

    public bool IsInFlight(string path) => _inFlight.ContainsKey(path);

    /// <summary>False when the file is already in the pipeline, or failed and has not changed since.</summary>
    public bool TryStart(InboxFile file)
    {
        if (_failed.TryGetValue(file.Path, out var failed))
        {
            if (failed == (file.Length, file.LastWriteUtc))
            {
                return false;
            }

            _failed.TryRemove(file.Path, out _);
        }

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
    public void Fail(InboxFile file)
    {
        _failed[file.Path] = (file.Length, file.LastWriteUtc);
        _inFlight.TryRemove(file.Path, out _);
        Released?.Invoke(file.Path);
    }

    public bool HasFailedUnchanged(string path, long length, DateTime lastWriteUtc) =>
        _failed.TryGetValue(path, out var failed) && failed == (length, lastWriteUtc);

    private static bool IsUnchanged(string path, (long Length, DateTime LastWriteUtc) failed)
    {
        var info = new FileInfo(path);
        return info.Exists && (info.Length, info.LastWriteTimeUtc) == failed;
    }
}
