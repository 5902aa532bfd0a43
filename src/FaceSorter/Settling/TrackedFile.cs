namespace FaceSorter.Settling;

/// <summary>What the settle rule remembers about one candidate in the drop folder.</summary>
/// <param name="FirstSeen">When the file was first seen (for the empty-file timeout).</param>
/// <param name="LastChange">The last time its size or mtime changed or an event named it.</param>
public sealed record TrackedFile(string Path, long Length, DateTime LastWriteUtc, DateTimeOffset FirstSeen, DateTimeOffset LastChange)
{
    /// <summary>An empty file is finished like any other (a sidecar: gallery-dl writes an empty <c>.txt</c> when there are no tags).</summary>
    public bool MayBeEmpty { get; init; }
}
