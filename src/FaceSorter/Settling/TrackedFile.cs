namespace FaceSorter.Settling;

/// <summary>What the settle rule remembers about one candidate in the drop folder.</summary>
/// <param name="FirstSeen">When the file was first seen, or its last write when it was empty then and that is earlier (for the empty-file timeout).</param>
/// <param name="LastChange">The last time its size or mtime changed or an event named it.</param>
public sealed record TrackedFile(string Path, long Length, DateTime LastWriteUtc, DateTimeOffset FirstSeen, DateTimeOffset LastChange)
{
    /// <summary>An empty file is finished like any other (a sidecar: gallery-dl writes an empty <c>.txt</c> when there are no tags).</summary>
    public bool MayBeEmpty { get; init; }

    /// <summary>
    /// Empty and not allowed to be: maybe a browser's download placeholder (docs/linux-facts.md, "When a
    /// download is finished"), so it waits <c>EmptyFileTimeout</c> before it is called invalid.
    /// </summary>
    public bool IsPlaceholder => Length == 0 && !MayBeEmpty;
}
