using System.IO.Enumeration;

namespace FaceSorter.Settling;

/// <summary>
/// The downloaders' working files (<see cref="DownloadNames"/>) seen in the drop folder, so that a file
/// waits while any of its working files exists: exact names (<c>clip.mp4.part</c>, <c>.ytdl</c>,
/// <c>.aria2</c>) are looked up on disk, and the ones no exact name gives (<c>clip.mp4.part-Frag3</c>,
/// <c>clip.f137.mp4.part</c>) are remembered when seen. A remembered one counts only while it still
/// exists, so a missed delete event cannot hold a file back. Many files of one folder are answered at
/// once from one listing of it (<see cref="WaitingAmong"/>).
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

    /// <summary>
    /// <see cref="AnyFor"/> for many files of one folder at once, from one listing of
    /// <paramref name="directory"/> taken now (docs/linux-facts.md, "Working files, looked up by listing"):
    /// the listing holds the same names the per-file lookups would find at this moment (exact companion
    /// names, and which remembered working files still exist), at a fraction of their cost when many files
    /// are due together. Directories do not count, as for <see cref="File.Exists"/>.
    /// </summary>
    /// <param name="directory">The folder, as <see cref="Path.GetDirectoryName(string)"/> gives it for the files' paths.</param>
    /// <param name="names">File names (not paths) in <paramref name="directory"/>.</param>
    /// <param name="maxEntries">The most entries worth listing: past it the listing stops.</param>
    /// <returns>
    /// The names among <paramref name="names"/> that a working file leads to; or null when the folder holds
    /// more than <paramref name="maxEntries"/> entries or cannot be listed, and the caller asks
    /// <see cref="AnyFor"/> per file.
    /// </returns>
    public HashSet<string>? WaitingAmong(string directory, IEnumerable<string> names, int maxEntries)
    {
        var owners = new HashSet<string>(names, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _seen.TryGetValue(directory, out var remembered);
        var known = (remembered ?? new HashSet<string>(StringComparer.Ordinal)).GetAlternateLookup<ReadOnlySpan<char>>();
        var waiting = new HashSet<string>(StringComparer.Ordinal);
        var present = new HashSet<string>(StringComparer.Ordinal);
        var options = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0, ReturnSpecialDirectories = false };
        try
        {
            var listing = new FileSystemEnumerable<(string? Owner, string? Working)>(
                directory,
                (ref FileSystemEntry entry) => (
                    owners.TryGetValue(DownloadNames.CompanionOwnerOf(entry.FileName), out var owner) ? owner : null,
                    known.TryGetValue(entry.FileName, out var working) ? working : null),
                options)
            {
                ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory,
            };

            var entries = 0;
            foreach (var (owner, working) in listing)
            {
                if (++entries > maxEntries)
                {
                    return null;
                }

                if (owner is not null)
                {
                    waiting.Add(owner);
                }

                if (working is not null)
                {
                    present.Add(working);
                }
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null; // the folder went away or cannot be read: each file is looked up on its own
        }

        if (remembered is { Count: > 0 })
        {
            remembered.IntersectWith(present); // the ones gone are forgotten, as AnyFor does
            foreach (var name in owners.Set)
            {
                if (!waiting.Contains(name) && remembered.Any(working => DownloadNames.LeadsTo(working, name)))
                {
                    waiting.Add(name);
                }
            }
        }

        return waiting;
    }
}
