namespace FaceSorter.Options;

/// <summary>The rule keys at the root of the <c>FaceSorter</c> section (docs/contracts.md, "Decision rules").</summary>
public sealed class SortingOptions
{
    public const string Section = "FaceSorter";

    public List<string> Whitelist { get; set; } = [];
    public List<string> Blacklist { get; set; } = [];
    public double MinConfidence { get; set; } = 0.6;
    public int MaxFacesPerImage { get; set; } = 1;
    public double MinFaceAreaRatio { get; set; }

    /// <summary>
    /// Rule 1b (docs/contracts.md, "Near duplicates"): a picture whose perceptual fingerprint differs from
    /// a known one in at most this many of its 64 bits is a near duplicate; 0 switches the rule off.
    /// The default was chosen from the real-photo measurements in README.md.
    /// </summary>
    public int NearDuplicateMaxDistance { get; set; } = 12;

    /// <summary>Quiet period after the last change before a download counts as finished.</summary>
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Quiet period for a file that no writer check can vouch for: the open-writer check cannot see
    /// other users' processes and inotify saw no close-after-write (its writer started before
    /// FaceSorter). curl was measured stalling 4.8 s mid-download while holding the file open, so
    /// twice that (docs/linux-facts.md "Writers FaceSorter cannot see").
    /// </summary>
    public TimeSpan BlindSettleTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A file still 0 bytes this long after it was first seen is invalid.</summary>
    public TimeSpan EmptyFileTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the drop folder is rescanned even without watcher events.</summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Auto: file events, plus a scan every <see cref="PollInterval"/> of folders on network or FUSE filesystems; Events: events only; Poll: scans only.</summary>
    public FaceSorter.Watching.WatchingMode Watching { get; set; } = FaceSorter.Watching.WatchingMode.Auto;

    /// <summary>How often a polled folder (a network share, or <c>Watching = Poll</c>) is scanned.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Items each pipeline channel holds before producers wait.</summary>
    public int PipelineCapacity { get; set; } = 256;
}
