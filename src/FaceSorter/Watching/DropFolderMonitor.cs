using FaceSorter.Options;
using FaceSorter.Pipeline;
using FaceSorter.Settling;
using FaceSorter.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Watching;

/// <summary>
/// Feeds the pipeline with finished downloads. Watcher events are only hints; a scan of the drop folder is
/// the truth, at start-up (files already there), every <c>RescanInterval</c>, and after a watcher error or
/// a new directory (docs/linux-facts.md, "Events are hints, scans are the truth"). Each candidate is
/// tracked until the <see cref="SettleRule"/> says it is finished, then handed to the pipeline with an
/// awaited write, so a full pipeline makes this loop wait and nothing is dropped.
/// </summary>
public sealed class DropFolderMonitor : BackgroundService
{
    private static readonly TimeSpan DueButStillWritingRecheck = TimeSpan.FromMilliseconds(250);

    // A burst of events (thousands of files dropped at once) wakes the loop for every event, and each
    // round walks all tracked files and maybe /proc: a round that events woke is followed by at least
    // this gap, and a /proc scan this recent is reused. Both are far below SettleTime, which is what
    // makes a file due. A round woken by its timer (a file due) adds no gap: the next due file is not
    // held back by it (issue 13, idle latency).
    private static readonly TimeSpan MinRoundGap = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan WriterScanReuse = TimeSpan.FromMilliseconds(100);
    private (DateTimeOffset At, OpenWriterSnapshot Writers)? _writerScan;

    // Working files of many due files in one folder are looked up in one listing of it, taken at the hand-over
    // and reused while inotify shows that no name it would answer differently for appeared (without inotify,
    // as long as a /proc scan is reused) (WorkingFiles.WaitingAmong; docs/linux-facts.md, "Working files,
    // looked up by listing"): a burst's files are due by the thousand, and four lookups per file were the
    // hand-over's largest cost (issue 13). A listing stops past this many entries per due file (a large
    // backlog with few due), and then each file is looked up on its own.
    private const int ListingMinFiles = 8;
    private const int ListingEntriesPerFile = 32;
    private readonly WriterLookahead _lookahead; // the writer check taken just before a few files are due

    private readonly IrregularFiles _irregular = new();
    private readonly IHeldFiles _store;
    private readonly SettleTracker _tracked = new();
    private bool _scanCutShort; // the last scan stopped at a full tracker: files are left to find
    private bool _quietSinceLastWrite; // set at start: a file a scan finds has been quiet since its mtime (SettleRule.Observe)

    // Settled sidecars that stay (their owner has not moved, or there is none): looked at again when
    // an event names a file that may be their owner (its arrival, its move) or the sidecar itself.
    private readonly Dictionary<string, TrackedFile> _parked = new(StringComparer.Ordinal);
    private readonly WorkingFiles _working = new();
    private readonly SidecarRouter _sidecars;
    private readonly WatchLoop _loop;
    private readonly SortingPipeline _pipeline;
    private readonly InboxLedger _ledger;
    private readonly SortingSettings _settings;
    private readonly OpenWriterProbe _writers;
    private readonly WriteActivity _writeActivity;   // inotify: writes of every user, and their close
    private readonly WriterVisibility _visibility;    // whether _writers sees other users' and namespaces' processes
    private readonly SettleRule _rule;
    private readonly TimeProvider _clock;
    private readonly RunMode _mode;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly string _inbox;
    private readonly SortingOptions _sorting;
    private readonly ILogger<DropFolderMonitor> _logger;

    public DropFolderMonitor(
        SortingPipeline pipeline,
        InboxLedger ledger,
        SortingSettings settings,
        OpenWriterProbe writers,
        SidecarRouter sidecars,
        WriteActivity writeActivity,
        WriterVisibility visibility,
        IHeldFiles store,
        TimeProvider clock,
        RunMode mode,
        IHostApplicationLifetime lifetime,
        IOptions<DirectoriesOptions> directories,
        IOptions<SortingOptions> sorting,
        ILogger<DropFolderMonitor> logger)
    {
        _pipeline = pipeline;
        _ledger = ledger;
        _settings = settings;
        _writers = writers;
        _sidecars = sidecars;
        _writeActivity = writeActivity;
        _visibility = visibility;
        _store = store;
        _clock = clock;
        _mode = mode;
        _lifetime = lifetime;
        _inbox = directories.Value.Inbox;
        _sorting = sorting.Value;
        _rule = new SettleRule(sorting.Value.SettleTime, sorting.Value.EmptyFileTimeout, sorting.Value.BlindSettleTime);
        _logger = logger;
        _lookahead = new WriterLookahead(writers, writeActivity, clock);
        _loop = new WatchLoop(clock, DueButStillWritingRecheck, logger); // a wait for due files still open for writing or with a companion
        ledger.Released += _loop.Hints.Add;
        ledger.WaitingForImmichReleased += _loop.Hints.RequestRescan;
        ledger.WaitingForSpaceReleased += _loop.Hints.RequestRescan;
        settings.Changed += _loop.Hints.RequestRescan;
    }

    /// <summary>Files seen in the drop folder that are not finished yet (still being written, or waiting out their quiet period).</summary>
    public int StillSettling => _tracked.Count;

    /// <summary>Of <see cref="StillSettling"/>, the empty files (maybe download placeholders) that scan leaves in the drop folder.</summary>
    public int StillEmpty => _tracked.Placeholders.Count;

    /// <summary>
    /// Every file in the drop folder FaceSorter knows of and has not sorted (docs/contracts.md, "What
    /// waits in the drop folder"): still settling, in the pipeline (also while an Immich outage is waited
    /// out), held with a recorded reason (failed, a sidecar waiting for its picture, not a regular file).
    /// Downloaders' own working files (<c>.part</c>) are not counted, nor files deleted since they were seen
    /// (the tracked, parked and irregular ones are forgotten on the deletion's event or the next scan; the
    /// ones in the pipeline and the held ones are looked at). Read from any thread: each part is a count
    /// that may be a moment old.
    /// </summary>
    public int Waiting => _tracked.Count + _ledger.InFlightPresentCount + _ledger.HeldCount + _ledger.SetAsideCount + _parked.Count + _irregular.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            Directory.CreateDirectory(_inbox);
            foreach (var path in InheritedWriters.CloseUnder(Path.GetFullPath(_inbox)))
            {
                _logger.InheritedWriterClosed(path);
            }

            LogWriterVisibility();
            _quietSinceLastWrite = _visibility.SeesEveryWriter && _sorting.Watching != WatchingMode.Poll && FilesystemType.Of(_inbox) is not { EventsReliable: false };

            // On a network share events miss other machines' writes: scans every PollInterval (issue 9 part 5).
            var plan = _mode.ScanOnce ? new WatchPlan(UseEvents: false, _sorting.RescanInterval) : WatchPlan.For(_sorting, _logger, _inbox);
            // The files already there are scanned and handed over while the watches are set up (issue 13: the
            // first file of a 1,000,000-file backlog sorted within a second of start).
            await _loop.RunAsync(plan, () => [StartWatcher()], RoundAsync, stoppingToken, scanWhileStarting: true);
        }
        finally
        {
            // Nothing more comes in; the pipeline finishes what it holds.
            _writeActivity.Dispose();
            _pipeline.Inbox.TryComplete();
        }
    }

    private async Task<NextRound> RoundAsync(WatchRound round, CancellationToken stoppingToken)
    {
        if (round.Rescan)
        {
            await ScanAsync(round.Now, stoppingToken);
        }

        foreach (var path in round.Paths)
        {
            Observe(path, round.Now, namedByEvent: true);
        }

        var roundStarted = _clock.GetTimestamp();
        await HoldIrregularAsync(stoppingToken);
        await HandOverFinishedAsync(stoppingToken);
        if (_scanCutShort && WorkingSetHasRoom)
        {
            _loop.RescanBy(_clock.GetUtcNow()); // the rest of a backlog bigger than the working set
        }

        if (_mode.ScanOnce && ScanIsDone())
        {
            LogPlaceholdersLeft();
            _lifetime.StopApplication();
            return NextRound.Stop;
        }

        var gap = MinRoundGap - _clock.GetElapsedTime(roundStarted);
        if (round.Paths.Count > 0 && gap > TimeSpan.Zero)
        {
            await Task.Delay(gap, _clock, stoppingToken);
        }

        var nextDue = _tracked.NextDue(DueAt);
        _logger.DropFolderRound(round.Now, round.Paths.Count, round.Rescan, _tracked.Count, nextDue);
        return NextRound.By(LookAheadBefore(nextDue));
    }

    /// <summary>
    /// Runs the writer check's look-ahead for the files due within its lead (<see cref="WriterLookahead"/>),
    /// so that at their due time no <c>/proc</c> scan is on their path; returns when to wake next: at
    /// <paramref name="nextDue"/>, or earlier, when the next look-ahead is to start.
    /// </summary>
    private DateTimeOffset? LookAheadBefore(DateTimeOffset? nextDue)
    {
        if (nextDue is not { } due || !_settings.Enabled || !_writeActivity.IsActive || _tracked.Count > WriterLookahead.MaxFiles)
        {
            return nextDue; // nothing due, paused, no inotify to vouch, or a burst: the scan at the due time
        }

        var now = _clock.GetUtcNow();
        var lead = _lookahead.Lead < _rule.SettleTime / 2 ? _lookahead.Lead : _rule.SettleTime / 2;
        var soon = _tracked.Due(now + lead, DueAt).Where(file => DueAt(file) > now).ToList();
        if (soon.Count > 0 && !soon.All(_lookahead.IsWatching))
        {
            _lookahead.LookAhead(soon);
            _logger.WriterLookahead(soon.Count, lead);
            return due;
        }

        return due - lead > now && !_tracked.Due(due, DueAt).All(_lookahead.IsWatching) ? due - lead : due;
    }

    private TreeWatcher StartWatcher()
    {
        Directory.CreateDirectory(_inbox); // again when the drop folder was deleted or replaced
        // "Watching" is said only once both watches are in place: a file written before inotify's
        // watch exists shows no write to wait for.
        // Both walk the whole drop folder to find its sub-folders: at once, on two cores.
        TreeWatcher? watcher = null;
        _writeActivity.Start(_inbox, alongside: () => watcher = new TreeWatcher(_inbox, NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size, _loop.Hints, _logger));
        _logger.WatchingInbox(_inbox);
        return watcher!;
    }

    /// <summary>
    /// Looks at the drop folder's files as the enumeration streams them, never holding the folder's listing:
    /// a scan stops once the tracker is full (<see cref="SettleTracker.IsFull"/>) and the next one, when
    /// there is room, finds the rest (docs/architecture.md, "A bounded working set"). Only a scan that went
    /// through the whole folder forgets what is gone (held files, irregular, working and parked ones).
    /// </summary>
    private async Task ScanAsync(DateTimeOffset now, CancellationToken stoppingToken)
    {
        var prefix = _inbox + "/";
        var held = (await _store.GetHeldFilesAsync(stoppingToken)).Select(file => file.FilePath)
            .Where(path => path.StartsWith(prefix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        if (Scan(now, held) is { } seen)
        {
            await ForgetVanishedHoldsAsync(held, seen, stoppingToken);
        }
    }

    /// <summary>Returns the remembered paths seen (held, tracked, parked, irregular, working), or null when the scan was cut short.</summary>
    private HashSet<string>? Scan(DateTimeOffset now, HashSet<string> held)
    {
        // Only paths something here remembers: bounded by the working set, not by the folder.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        _scanCutShort = false;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0, ReturnSpecialDirectories = false };
        foreach (var path in Directory.EnumerateFiles(_inbox, "*", options))
        {
            if (WorkingSetIsFull && !_tracked.Contains(path) && !_parked.ContainsKey(path) && !_ledger.IsInFlight(path) && !_ledger.IsWaitingForImmich(path) && !DownloadNames.IsTemporary(Path.GetFileName(path)))
            {
                _scanCutShort = true;
                _logger.ScanCutShort(_inbox, count, _tracked.Capacity);
                return null;
            }

            count++;
            Observe(path, now, namedByEvent: false);
            if (held.Contains(path) || _tracked.Contains(path) || _parked.ContainsKey(path) || _irregular.Knows(path) || _ledger.IsWaitingForImmich(path) || DownloadNames.IsTemporary(Path.GetFileName(path)))
            {
                seen.Add(path);
            }
        }

        _tracked.Retain(seen);
        _ledger.RetainWaitingForImmich(seen);
        _irregular.Retain(seen);
        _working.Retain(seen);
        foreach (var gone in _parked.Keys.Where(path => !seen.Contains(path)).ToList())
        {
            _parked.Remove(gone);
            _sidecars.Forget(gone);
        }

        _logger.Scanned(_inbox, count);
        return seen;
    }

    /// <summary>A held file the user has since removed from the drop folder is no longer held.</summary>
    private async Task ForgetVanishedHoldsAsync(HashSet<string> held, HashSet<string> seen, CancellationToken stoppingToken)
    {
        foreach (var path in held)
        {
            if (!seen.Contains(path) && !_ledger.IsInFlight(path))
            {
                await _store.ReleaseHoldAsync(path, stoppingToken);
            }
        }
    }

    private void Observe(string path, DateTimeOffset now, bool namedByEvent)
    {
        if (DownloadNames.IsTemporary(Path.GetFileName(path)))
        {
            _working.Saw(path); // never touched; the file it leads to waits for it
            return;
        }

        if (namedByEvent)
        {
            UnparkSidecarsOf(path);
        }
        else if (_parked.ContainsKey(path))
        {
            return;
        }

        if (_ledger.IsInFlight(path))
        {
            return; // looked at again when the pipeline releases it (InboxLedger.Released)
        }

        var info = new FileInfo(path);
        if (_irregular.Catch(path, info) || !info.Exists)
        {
            _tracked.Forget(path);
            _ledger.ForgetWaitingForImmich(path);
            return;
        }

        if (_ledger.IsSetAsideUnchanged(path, info.Length, info.LastWriteTimeUtc))
        {
            return;
        }

        _tracked.Observe(path, info.Length, info.LastWriteTimeUtc, now, namedByEvent, mayBeEmpty: Sidecars.IsSidecar(info.Name), _quietSinceLastWrite);
    }

    /// <summary>An event named <paramref name="path"/>: parked sidecars it may own (or itself) are looked at again.</summary>
    private void UnparkSidecarsOf(string path)
    {
        if (_parked.Count == 0)
        {
            return;
        }

        var directory = Path.GetDirectoryName(path);
        string[] name = [Path.GetFileName(path)];
        foreach (var (parked, state) in _parked.Where(entry => string.Equals(entry.Key, path, StringComparison.Ordinal)
            || (string.Equals(Path.GetDirectoryName(entry.Key), directory, StringComparison.Ordinal) && Sidecars.FindOwner(Path.GetFileName(entry.Key), name) is { StillDownloading: false })).ToList())
        {
            _parked.Remove(parked);
            _tracked.Restore(state);
        }
    }

    private async Task HoldIrregularAsync(CancellationToken stoppingToken)
    {
        foreach (var (path, reason) in _irregular.TakeNewlyHeld())
        {
            _logger.IrregularFileHeld(path, reason);
            await _store.HoldAsync(path, reason, stoppingToken);
        }
    }

    private async Task HandOverFinishedAsync(CancellationToken stoppingToken)
    {
        if (!_settings.Enabled)
        {
            return;
        }

        var now = _clock.GetUtcNow();
        var due = _tracked.Due(now, DueAt);
        if (due.Count == 0)
        {
            return;
        }

        // Every open reported so far is recorded before the look-ahead is asked to vouch for a file.
        _lookahead.CatchUp();

        var listings = new Dictionary<string, Listing>(StringComparer.Ordinal);
        for (var index = 0; index < due.Count; index++)
        {
            var file = due[index];
            var hasCompanion = HasWorkingFile(due, index, listings);

            // By device and inode, never by path: the writer may reach the file by another path
            // (docs/linux-facts.md, "Open files are matched by identity").
            var openByProbe = !_lookahead.Vouches(file)
                && FileIdentity.OfFile(file.Path) is { } identity && WriterScan(now, DueAt(file)).WriterOf(identity) is not null;
            _lookahead.Release(file.Path);
            var verdict = _rule.Evaluate(file, now, Signals(file.Path, hasCompanion, openByProbe));
            if (verdict == SettleVerdict.Wait)
            {
                continue;
            }

            _tracked.Forget(file.Path);
            if (Sidecars.IsSidecar(Path.GetFileName(file.Path)))
            {
                // Never a review item of its own: it travels with its owner or stays, held.
                if (await _sidecars.RouteAsync(file.Path, InboxFile.SourceOf(_inbox, file.Path), stoppingToken) != SidecarStep.Moved)
                {
                    _parked[file.Path] = file;
                }

                continue;
            }

            var inboxFile = new InboxFile(file.Path, InboxFile.SourceOf(_inbox, file.Path), file.Length, file.LastWriteUtc);
            if (_ledger.TryStart(inboxFile))
            {
                _logger.Settled(file.Path, file.Length);
                await _pipeline.Inbox.WriteAsync(inboxFile, stoppingToken);
            }
        }
    }

    /// <summary>
    /// True while a working file of <c>due[index]</c> exists. With many due files in its folder the answer
    /// comes from a listing of the folder taken in this hand-over (<paramref name="listings"/>, per folder),
    /// taken again for the files still to look at once it may be out of date (<see cref="IsCurrent"/>).
    /// </summary>
    private bool HasWorkingFile(IReadOnlyList<TrackedFile> due, int index, Dictionary<string, Listing> listings)
    {
        var path = due[index].Path;
        var directory = Path.GetDirectoryName(path)!;
        if (!listings.TryGetValue(directory, out var listing) || (listing.Waiting is not null && !IsCurrent(listing)))
        {
            var names = new List<string>();
            for (var next = index; next < due.Count; next++)
            {
                var other = due[next].Path;
                if (other.Length > directory.Length + 1 && other[directory.Length] == '/' && other.StartsWith(directory, StringComparison.Ordinal)
                    && other.IndexOf('/', directory.Length + 1) < 0)
                {
                    names.Add(other[(directory.Length + 1)..]);
                }
            }

            listing = names.Count >= ListingMinFiles ? List(directory, names) : new Listing(0, null, null);
            listings[directory] = listing;
        }

        return listing.Waiting is { } waiting ? waiting.Contains(Path.GetFileName(path)) : _working.AnyFor(path);
    }

    private Listing List(string directory, List<string> names)
    {
        // What inotify has counted is read before the listing: a name that appears while it is taken is
        // either in it or counted after.
        _writeActivity.CatchUp();
        var namesChanged = _writeActivity.IsActive ? _writeActivity.NamesChanged : (long?)null;
        return new Listing(_clock.GetTimestamp(), namesChanged, _working.WaitingAmong(directory, names, names.Count * ListingEntriesPerFile));
    }

    /// <summary>
    /// True when <paramref name="listing"/> still answers as a listing taken now would: inotify was watching
    /// when it was taken and still is, and, with every event so far read, has counted no name since that it
    /// would answer differently for (<see cref="WriteActivity.NamesChanged"/>). Without inotify, a listing is
    /// current for as long as a <c>/proc</c> scan is reused.
    /// </summary>
    private bool IsCurrent(Listing listing)
    {
        if (listing.NamesChanged is not { } before)
        {
            return _clock.GetElapsedTime(listing.TakenAt) < WriterScanReuse;
        }

        _writeActivity.CatchUp();
        return _writeActivity.IsActive && _writeActivity.NamesChanged == before;
    }

    /// <summary>
    /// One folder's listing in a hand-over: when it was taken (<see cref="TimeProvider.GetTimestamp"/>), inotify's
    /// <see cref="WriteActivity.NamesChanged"/> then (null when inotify was not watching), and the due names it
    /// found a working file for (null when the folder is looked up file by file).
    /// </summary>
    private readonly record struct Listing(long TakenAt, long? NamesChanged, HashSet<string>? Waiting);

    /// <summary>
    /// The <c>/proc</c> scan at the due time, made when first needed in a round. A recent one is reused
    /// only when it was made at or after the file's due time: a writer check from before a file was
    /// due could miss a writer that opened it since.
    /// </summary>
    private OpenWriterSnapshot WriterScan(DateTimeOffset now, DateTimeOffset dueAt)
    {
        if (_writerScan is not { } scan || now - scan.At >= WriterScanReuse || dueAt > scan.At)
        {
            scan = (now, _lookahead.Scan());
            _writerScan = scan;
        }

        return scan.Writers;
    }

    private bool ScanIsDone()
    {
        if (!_settings.Enabled)
        {
            return true; // paused: files wait in the drop folder
        }

        var now = _clock.GetUtcNow();
        // An empty file may be a download placeholder that fills in minutes or never: scan does not wait
        // out EmptyFileTimeout (10 minutes by default) for it; it stays, and the daemon decides it later.
        var onlyStillDownloading = _tracked.AllDue(now, file => file.IsPlaceholder ? now : DueAt(file));
        var leftToFind = _scanCutShort && WorkingSetHasRoom; // a rescan is asked for: the rest of the backlog
        return _ledger.InFlightCount == 0 && (_tracked.Count == 0 || onlyStillDownloading) && !leftToFind;
    }

    /// <summary>Says, once as scan ends, why each empty file stays in the drop folder.</summary>
    private void LogPlaceholdersLeft()
    {
        foreach (var file in _tracked.Placeholders)
        {
            _logger.EmptyFileLeftByScan(file.Path, _sorting.EmptyFileTimeout);
        }
    }

    /// <summary>
    /// True when a scan must add no new file: the files being settled and those set aside for Immich
    /// (<see cref="InboxLedger.WaitForImmich"/>) fill the working set (docs/architecture.md, "A bounded working set").
    /// </summary>
    private bool WorkingSetIsFull => _tracked.Count + _ledger.WaitingForImmichCount >= _tracked.Capacity;

    /// <summary>True when a scan cut short by <see cref="WorkingSetIsFull"/> is worth running again: half the working set is free.</summary>
    private bool WorkingSetHasRoom => _tracked.Count + _ledger.WaitingForImmichCount <= _tracked.Capacity / 2;

    /// <summary>Everything the settle rule needs to know about who may still write <paramref name="path"/>.</summary>
    private WriterSignals Signals(string path, bool hasCompanion, bool openByProbe) =>
        new(hasCompanion, openByProbe, _writeActivity.StateOf(path), _visibility.SeesEveryWriter);

    /// <summary>When the file can next be ready, with its own quiet period (longer when no writer check vouches for it).</summary>
    private DateTimeOffset DueAt(TrackedFile file) =>
        _rule.DueAt(file, _rule.QuietPeriod(Signals(file.Path, hasCompanion: false, openByProbe: false)));

    private void LogWriterVisibility()
    {
        if (_visibility.SeesEveryWriter)
        {
            _logger.WriterCheckSeesAll(_visibility.Reason);
            return;
        }

        if (!_visibility.SeesOtherUsers)
        {
            _logger.WriterCheckBlind(_visibility.Reason, _rule.BlindSettleTime, _visibility.OtherUsersFix);
        }

        if (_visibility.OtherNamespaceHidden is { } hidden)
        {
            _logger.WriterCheckOwnPidNamespace(hidden, _rule.BlindSettleTime);
        }
    }
}
