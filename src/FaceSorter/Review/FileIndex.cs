namespace FaceSorter.Review;

/// <summary>The files under faces/ and review/ the review monitor has accounted for, by path and by content.</summary>
public sealed class FileIndex
{
    private readonly Dictionary<string, IndexedFile> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byHash = new(StringComparer.Ordinal);

    public int Count => _files.Count;

    public IReadOnlyCollection<string> Paths => _files.Keys;

    public bool TryGet(string path, out IndexedFile file) => _files.TryGetValue(path, out file!);

    public void Set(string path, IndexedFile file)
    {
        Remove(path);
        _files[path] = file;
        if (file.Hash is { } hash)
        {
            if (!_byHash.TryGetValue(hash, out var paths))
            {
                _byHash[hash] = paths = new HashSet<string>(StringComparer.Ordinal);
            }

            paths.Add(path);
        }
    }

    public bool Remove(string path)
    {
        if (!_files.Remove(path, out var old))
        {
            return false;
        }

        if (old.Hash is { } hash && _byHash.TryGetValue(hash, out var paths))
        {
            paths.Remove(path);
            if (paths.Count == 0)
            {
                _byHash.Remove(hash);
            }
        }

        return true;
    }

    /// <summary>Indexed paths below a directory (one that was moved or removed as a whole).</summary>
    public List<string> PathsUnder(string directory)
    {
        var prefix = directory.TrimEnd('/') + "/";
        return _files.Keys.Where(path => path.StartsWith(prefix, StringComparison.Ordinal)).ToList();
    }

    /// <summary>Paths holding this content that no record accounts for yet.</summary>
    public List<string> UnrecordedCopies(string hash) =>
        _byHash.TryGetValue(hash, out var paths)
            ? paths.Where(path => !_files[path].Recorded).Order(StringComparer.Ordinal).ToList()
            : [];
}
