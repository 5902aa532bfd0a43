namespace FaceSorter.Settling;

/// <summary>
/// Decides when a file in the drop folder is a finished download
/// (docs/linux-facts.md, "When a download is finished"). A file is ready when all of these hold:
/// <list type="number">
/// <item>Its name is not a temporary name (<see cref="DownloadNames.IsTemporary"/>): browsers and
/// aria2c write under such names and rename at the end. (Checked before a file is tracked.)</item>
/// <item>No companion file exists beside it (<c>x.jpg.aria2</c>, <c>x.jpg.part</c>): aria2c
/// preallocates the full size up front, and Firefox leaves a 0-byte placeholder under the final
/// name.</item>
/// <item>It is not empty. A file still empty <see cref="_emptyFileTimeout"/> after it was first seen
/// is invalid instead. (A sidecar may be empty: <see cref="TrackedFile.MayBeEmpty"/>.)</item>
/// <item>Nobody is writing it, whoever the writer is: no process found holding it open for writing
/// by the <c>/proc/*/fd</c> scan, and no write that inotify saw without a close-after-write since
/// (<see cref="WriteState.Writing"/>; the kernel reports every user's writes, the <c>/proc</c> scan
/// only those it may read). curl's rate limiter stalls for seconds mid-download, so quiet alone is
/// not proof (docs/linux-facts.md "Writers FaceSorter cannot see").</item>
/// <item>Its size and mtime have not changed, and no watcher event named it, for the quiet period.
/// mtime is compared for equality because wget sets it backwards at the end. The quiet period is
/// <see cref="SettleTime"/> when a writer could not hide (inotify saw the close, or the
/// <c>/proc</c> scan sees every user), and <see cref="BlindSettleTime"/> when neither can vouch for
/// the file: a writer that started before FaceSorter and has not written since, seen by a blind scan.</item>
/// </list>
/// Never used as a test: an exclusive open (it is advisory on Linux and curl takes no lock).
/// A pure function of the values observed: the caller gathers them.
/// </summary>
public sealed class SettleRule(TimeSpan settleTime, TimeSpan emptyFileTimeout, TimeSpan blindSettleTime)
{
    private readonly TimeSpan _emptyFileTimeout = emptyFileTimeout;

    public SettleRule(TimeSpan settleTime, TimeSpan emptyFileTimeout)
        : this(settleTime, emptyFileTimeout, settleTime)
    {
    }

    public TimeSpan SettleTime { get; } = settleTime;

    /// <summary>The quiet period for a file no writer check can vouch for (at least <see cref="SettleTime"/>).</summary>
    public TimeSpan BlindSettleTime { get; } = blindSettleTime < settleTime ? settleTime : blindSettleTime;

    /// <param name="hasCompanion">A companion download file exists beside it.</param>
    /// <param name="openForWriting">Some process has it open for writing.</param>
    public SettleVerdict Evaluate(TrackedFile file, DateTimeOffset now, bool hasCompanion, bool openForWriting) =>
        Evaluate(file, now, new WriterSignals(hasCompanion, openForWriting, WriteState.Unknown, ProbeSeesAll: true));

    public SettleVerdict Evaluate(TrackedFile file, DateTimeOffset now, WriterSignals signals)
    {
        if (signals.HasCompanion)
        {
            return SettleVerdict.Wait;
        }

        if (file.Length == 0 && !file.MayBeEmpty)
        {
            return now - file.FirstSeen >= _emptyFileTimeout && !signals.BeingWritten ? SettleVerdict.EmptyTooLong : SettleVerdict.Wait;
        }

        if (signals.BeingWritten)
        {
            return SettleVerdict.Wait;
        }

        return now - file.LastChange >= QuietPeriod(signals) ? SettleVerdict.Ready : SettleVerdict.Wait;
    }

    /// <summary>
    /// How long the file must be quiet: <see cref="SettleTime"/> when inotify saw its last write closed
    /// or the <c>/proc</c> scan sees every user's processes; otherwise <see cref="BlindSettleTime"/>.
    /// </summary>
    public TimeSpan QuietPeriod(WriterSignals signals) =>
        signals.Activity == WriteState.Closed || signals.ProbeSeesAll ? SettleTime : BlindSettleTime;

    /// <summary>When the file can next become ready or expire, if nothing changes.</summary>
    public DateTimeOffset DueAt(TrackedFile file) => DueAt(file, SettleTime);

    /// <summary>Like <see cref="DueAt(TrackedFile)"/>, with the file's own quiet period (<see cref="QuietPeriod"/>).</summary>
    public DateTimeOffset DueAt(TrackedFile file, TimeSpan quietPeriod) =>
        file.Length == 0 && !file.MayBeEmpty ? file.FirstSeen + _emptyFileTimeout : file.LastChange + quietPeriod;

    /// <summary>The file as observed now: a change of size or mtime, or an event, restarts the quiet period.</summary>
    /// <param name="quietSinceLastWrite">
    /// A file first found by a scan (not named by an event) has been quiet since its mtime, not only since
    /// now: true where that mtime comes from this machine's clock (a local filesystem) and the writer check
    /// sees every process, so a writer that stalled before FaceSorter looked is still found by its open
    /// file (docs/linux-facts.md, "Files found at start").
    /// </param>
    public static TrackedFile Observe(TrackedFile? known, string path, long length, DateTime lastWriteUtc, DateTimeOffset now, bool namedByEvent, bool quietSinceLastWrite = false)
    {
        if (known is null)
        {
            // An empty file has been empty since its last write: a placeholder found at start (made before a
            // restart) waits out EmptyFileTimeout from then, not once more from each start.
            var lastWrite = lastWriteUtc < now.UtcDateTime ? new DateTimeOffset(lastWriteUtc, TimeSpan.Zero) : now;
            var emptySince = length == 0 ? lastWrite : now;
            var lastChange = quietSinceLastWrite && !namedByEvent ? lastWrite : now;
            return new TrackedFile(path, length, lastWriteUtc, emptySince, lastChange);
        }

        var changed = namedByEvent || known.Length != length || known.LastWriteUtc != lastWriteUtc;
        return changed ? known with { Length = length, LastWriteUtc = lastWriteUtc, LastChange = now } : known;
    }
}
