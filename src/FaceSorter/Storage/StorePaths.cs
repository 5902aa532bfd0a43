using FaceSorter.Options;

namespace FaceSorter.Storage;

/// <summary>
/// How the store writes paths (docs/contracts.md, "Stored paths"): a path under one of the configured
/// folders is stored as that folder's tag and the path below it (<c>/srv/data/faces/john_doe/a.jpg</c>
/// → <c>faces:john_doe/a.jpg</c>), so the same data mounted at another path, or moved to another
/// disk, is the same data; any other path is stored as it is (absolute, starting with <c>/</c>). Only
/// the store uses this class: everything above it works with absolute paths.
/// </summary>
/// <remarks>
/// Tags are <c>inbox</c>, <c>faces</c> and <c>review</c> (the <c>FaceSorter:Directories</c> keys).
/// When folders nest, the longest one wins, so a path has one stored form. A stored form never starts
/// with <c>/</c> and an absolute path always does, so the two cannot be confused.
/// </remarks>
public sealed class StorePaths
{
    /// <summary>Nothing is relative: every path is stored as it is (tools and tests without configured folders).</summary>
    public static readonly StorePaths Absolute = new([]);

    private readonly (string Tag, string Prefix)[] _roots; // longest prefix first

    private StorePaths(IEnumerable<(string Tag, string Root)> roots) =>
        _roots = roots
            .Where(root => Path.IsPathFullyQualified(root.Root))
            .Select(root => (root.Tag, Prefix: root.Root.TrimEnd('/') + "/"))
            .OrderByDescending(root => root.Prefix.Length)
            .ToArray();

    /// <summary>The three configured folders, already resolved to absolute paths (as <c>ResolvePaths</c> leaves them).</summary>
    public static StorePaths For(DirectoriesOptions directories) =>
        new([("inbox", directories.Inbox), ("faces", directories.Faces), ("review", directories.Review)]);

    /// <summary>Each tag with the folder prefix it stands for (ending in <c>/</c>), longest first.</summary>
    public IReadOnlyList<(string Tag, string Prefix)> Roots => _roots;

    /// <summary>The stored form of an absolute <paramref name="path"/> (also of a prefix of one, as long as it reaches below a folder).</summary>
    public string ToStored(string path)
    {
        foreach (var (tag, prefix) in _roots)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return string.Concat(tag, ":", path.AsSpan(prefix.Length));
            }
        }

        return path;
    }

    public string? ToStoredOrNull(string? path) => path is null ? null : ToStored(path);

    /// <summary>
    /// The absolute path of a stored one. A stored absolute path comes back as it is; a tag that is not
    /// configured (a row written by a build with other folders) too, since there is nothing to resolve it against.
    /// </summary>
    public string ToFull(string stored)
    {
        if (stored.StartsWith('/'))
        {
            return stored;
        }

        var colon = stored.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            var tag = stored.AsSpan(0, colon);
            foreach (var (rootTag, prefix) in _roots)
            {
                if (tag.SequenceEqual(rootTag))
                {
                    return string.Concat(prefix, stored.AsSpan(colon + 1));
                }
            }
        }

        return stored;
    }

    public string? ToFullOrNull(string? stored) => stored is null ? null : ToFull(stored);

    /// <summary>The file name of a path in its stored form (<c>faces:a.jpg</c> → <c>a.jpg</c>).</summary>
    public static string FileName(string stored)
    {
        var colon = stored.StartsWith('/') ? -1 : stored.IndexOf(':', StringComparison.Ordinal);
        return Path.GetFileName(stored[(colon + 1)..]);
    }

    /// <summary>The stored form of a path read back from storage in either form (a journal entry written before version 6).</summary>
    public string Normalize(string stored) => ToStored(ToFull(stored));
}
