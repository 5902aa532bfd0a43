namespace FaceSorter.Watching;

/// <summary>What a write leaves on a file: its size in bytes, and mtime and ctime in nanoseconds since the Unix epoch.</summary>
public readonly record struct FileStamp(long Length, long ModifiedNanoseconds, long ChangedNanoseconds)
{
    /// <summary>mtime as .NET reports it (100 ns ticks, UTC), to compare with <see cref="FileInfo.LastWriteTimeUtc"/>.</summary>
    public DateTime LastWriteUtc => DateTime.UnixEpoch.AddTicks(ModifiedNanoseconds / 100);
}
