namespace FaceSorter.Settling;

/// <summary>What inotify has said about a file in the drop folder since FaceSorter started watching it.</summary>
public enum WriteState
{
    /// <summary>No event about it yet: it was there before the watch began, or events were lost (overflow).</summary>
    Unknown,

    /// <summary>Created or modified, and no close-after-write since: some process holds it open for writing.</summary>
    Writing,

    /// <summary>Closed after its last write (IN_CLOSE_WRITE), or renamed in whole (IN_MOVED_TO).</summary>
    Closed,
}
