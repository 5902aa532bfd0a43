namespace FaceSorter.Settling;

/// <summary>
/// The downloaders' working files (<see cref="DownloadNames"/>) seen in the drop folder, so that a file
/// waits while any of its working files exists: exact names (<c>clip.mp4.part</c>, <c>.ytdl</c>,
/// <c>.aria2</c>) are looked up on disk, and the ones no exact name gives (<c>clip.mp4.part-Frag3</c>,
/// <c>clip.f137.mp4.part</c>) are remembered when seen. A remembered one counts only while it still
/// exists, so a missed delete event cannot hold a file back.
/// </summary>
public sealed class WorkingFiles
{
    // Folder → names of working files seen in it.
    private readonly Dictionary<string, HashSet<string>> _seen = new(StringComparer.Ordinal);

    /// <summary>A working file was seen (or an event named one).</summary>
    public void Saw(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (!_seen.TryGetValue(directory, out var names))
        {
            _seen[directory] = names = new HashSet<string>(StringComparer.Ordinal);
        }

        names.Add(Path.GetFileName(path));
    }

    /// <summary>After a full scan: only the paths seen in it are remembered.</summary>
    public void Retain(IReadOnlySet<string> seen)
    {
        foreach (var (directory, names) in _seen.ToList())
        {
            names.RemoveWhere(name => !seen.Contains(Path.Combine(directory, name)));
            if (names.Count == 0)
            {
                _seen.Remove(directory);
            }
        }
    }

    /// <summary>True while a working file that leads to <paramref name="path"/> exists.</summary>
    public bool AnyFor(string path)
    {
        if (DownloadNames.CompanionsOf(path).Any(File.Exists))
        {
            return true;
        }

        var directory = Path.GetDirectoryName(path)!;
        if (!_seen.TryGetValue(directory, out var names))
        {
            return false;
        }

        var name = Path.GetFileName(path);
        var gone = names.Where(working => !File.Exists(Path.Combine(directory, working))).ToList();
        names.ExceptWith(gone);
        return names.Any(working => DownloadNames.LeadsTo(working, name));
    }
}
