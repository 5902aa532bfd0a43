namespace FaceSorter.Watching;

/// <summary>How a watched folder learns about changes (<c>FaceSorter:Watching</c>).</summary>
public enum WatchingMode
{
    /// <summary>File events; and on a network or FUSE filesystem, a scan every <c>PollInterval</c> as well.</summary>
    Auto,

    /// <summary>File events only (plus the scan every <c>RescanInterval</c>), wherever the folder is.</summary>
    Events,

    /// <summary>No file events: a scan every <c>PollInterval</c> (when inotify cannot be trusted or its watches run out).</summary>
    Poll,
}
