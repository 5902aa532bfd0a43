namespace FaceSorter.Pipeline;

/// <summary>A settled file in the drop folder, as observed when it was handed to the pipeline.</summary>
/// <param name="Source">The first folder under the drop folder (<c>instagram</c>), or null for top-level files.</param>
public sealed record InboxFile(string Path, string? Source, long Length, DateTime LastWriteUtc)
{
    /// <summary>
    /// Its size, mtime and ctime when it was hashed (<see cref="Hashing.FileDigest.Stamp"/>), null before: a file whose
    /// stamp moved since holds other bytes than the hash says, even at the same size and mtime (rewritten with its
    /// mtime put back, or replaced by a rename), so it is not moved under that hash (<see cref="Moving.MoveRequest.Unchanged"/>).
    /// </summary>
    public Watching.FileStamp? HashedAs { get; init; }

    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>
    /// The name its destination is given, after the decision's prefix: its own, or for a review file moved back
    /// into the drop folder under its review name (<c>noface_a.jpg</c>), the download's (<c>a.jpg</c>), so that it
    /// is not prefixed twice (<see cref="ReturnedReviewFiles.TakeBackAsync"/>).
    /// </summary>
    public string NameToSortUnder
    {
        get => _nameToSortUnder ?? Name;
        init => _nameToSortUnder = value;
    }

    private readonly string? _nameToSortUnder;

    public static string? SourceOf(string inbox, string path)
    {
        var relative = System.IO.Path.GetRelativePath(inbox, path);
        var slash = relative.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? relative[..slash] : null;
    }
}
