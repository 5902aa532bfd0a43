namespace FaceSorter.Settling;

/// <summary>
/// Decides when a file in the drop folder is a finished download (LINUX-FACTS rule 7). A file is
/// ready when all of these hold:
/// <list type="number">
/// <item>Its name is not a temporary name (<see cref="DownloadNames.IsTemporary"/>): browsers and
/// aria2c write under such names and rename at the end. (Checked before a file is tracked.)</item>
/// <item>No companion file exists beside it (<c>x.jpg.aria2</c>, <c>x.jpg.part</c>): aria2c
/// preallocates the full size up front, and Firefox leaves a 0-byte placeholder under the final
/// name.</item>
/// <item>It is not empty. A file still empty <see cref="_emptyFileTimeout"/> after it was first seen
/// is invalid instead. (A sidecar may be empty: <see cref="TrackedFile.MayBeEmpty"/>.)</item>
/// <item>No process has it open for writing (a <c>/proc/*/fd</c> scan): curl's rate limiter stalls
/// for seconds mid-download, so quiet alone is not proof.</item>
/// <item>Its size and mtime have not changed, and no watcher event named it, for the quiet period.
/// mtime is compared for equality because wget sets it backwards at the end.</item>
/// </list>
/// Never used as a test: an exclusive open (it is advisory on Linux and curl takes no lock).
/// </summary>
public sealed class SettleRule(TimeSpan settleTime, TimeSpan emptyFileTimeout)
{
    private readonly TimeSpan _emptyFileTimeout = emptyFileTimeout;

    public TimeSpan SettleTime { get; } = settleTime;

    /// <param name="hasCompanion">A companion download file exists beside it.</param>
    /// <param name="openForWriting">Some process has it open for writing.</param>
    public SettleVerdict Evaluate(TrackedFile file, DateTimeOffset now, bool hasCompanion, bool openForWriting)
    {
        if (hasCompanion)
        {
            return SettleVerdict.Wait;
        }

        if (file.Length == 0 && !file.MayBeEmpty)
        {
            return now - file.FirstSeen >= _emptyFileTimeout && !openForWriting ? SettleVerdict.EmptyTooLong : SettleVerdict.Wait;
        }

        if (openForWriting)
        {
            return SettleVerdict.Wait;
        }

        return now - file.LastChange >= SettleTime ? SettleVerdict.Ready : SettleVerdict.Wait;
    }

    /// <summary>When the file can next become ready or expire, if nothing changes.</summary>
    public DateTimeOffset DueAt(TrackedFile file) =>
        file.Length == 0 && !file.MayBeEmpty ? file.FirstSeen + _emptyFileTimeout : file.LastChange + SettleTime;

    /// <summary>The file as observed now: a change of size or mtime, or an event, restarts the quiet period.</summary>
    public static TrackedFile Observe(TrackedFile? known, string path, long length, DateTime lastWriteUtc, DateTimeOffset now, bool namedByEvent)
    {
        if (known is null)
        {
            return new TrackedFile(path, length, lastWriteUtc, now, now);
        }

        var changed = namedByEvent || known.Length != length || known.LastWriteUtc != lastWriteUtc;
        return changed ? known with { Length = length, LastWriteUtc = lastWriteUtc, LastChange = now } : known;
    }
}
