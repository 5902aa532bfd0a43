using FaceSorter.Options;
using FaceSorter.Watching;

namespace FaceSorter.Diagnostics;

/// <summary>
/// The three folders: there (or creatable), writable, and whether moves between them are renames.
/// Read-only probes: nothing is created or written (<see cref="WriteAccess"/>).
/// </summary>
public static class FolderChecks
{
    public static IEnumerable<DoctorCheck> Run(DirectoriesOptions directories)
    {
        var folders = new[] { ("Inbox", directories.Inbox), ("Faces", directories.Faces), ("Review", directories.Review) };
        foreach (var (key, path) in folders)
        {
            var check = Writable(key, path);
            // A review category folder the start cannot make stops it as the root would (FaceSorterHost).
            yield return check.Status != CheckStatus.Failed && key == "Review" && CategoryProblem(directories) is var (problem, fix)
                ? DoctorCheck.Failed(check.Name, problem, fix)
                : check;
        }

        yield return SameFilesystem(folders);
        yield return NetworkShares(folders);
    }

    /// <summary>Whether file events see every change in each folder (not on network or FUSE filesystems; docs/linux-facts.md, "Network shares").</summary>
    private static DoctorCheck NetworkShares((string Key, string Path)[] folders)
    {
        const string name = "File events";
        var types = folders.Select(folder => (folder.Key, Type: FilesystemType.Of(folder.Path))).Where(folder => folder.Type is not null).ToList();
        var remote = types.Where(folder => !folder.Type!.EventsReliable).ToList();
        if (remote.Count == 0)
        {
            var kinds = string.Join(", ", types.Select(folder => $"{folder.Key} {folder.Type!.Name}"));
            return DoctorCheck.Ok(name, $"the folders are on local filesystems ({kinds}): file events see every change");
        }

        var shares = string.Join(", ", remote.Select(folder => $"{folder.Key} is on {folder.Type!.Name}"));
        return DoctorCheck.Warning(
            name,
            $"{shares}: files written there by another machine raise no file events, so FaceSorter scans those folders every {SortingOptions.Section}:PollInterval (with {SortingOptions.Section}:Watching = Auto, the default)",
            $"nothing to do; lower {SortingOptions.Section}:PollInterval to notice files sooner, or set {SortingOptions.Section}:Watching = Poll if events are not needed at all");
    }

    private static DoctorCheck Writable(string key, string path)
    {
        var name = $"Folder {key}";
        var setting = $"{DirectoriesOptions.Section}:{key}";
        // Going up from the folder, the first thing that exists decides: a folder to create it in, or
        // a file in the way.
        var existing = FirstExisting(path);
        if (existing is null)
        {
            return DoctorCheck.Failed(name, $"no part of {path} exists", $"set {setting} to a folder on a mounted disk");
        }

        if (CannotUse(path, setting) is var (problem, fix))
        {
            return DoctorCheck.Failed(name, problem, fix);
        }

        if (SpaceProblem(name, existing, $"or set {setting} to a folder on another disk") is { } full)
        {
            return full;
        }

        return existing == path
            ? DoctorCheck.Ok(name, $"{path} is writable")
            : DoctorCheck.Warning(name, $"{path} does not exist yet; it is created when the daemon starts", "nothing to do, or create it now");
    }

    /// <summary>Below this many free bytes a filesystem is full for FaceSorter: a photo or the store's next write does not fit.</summary>
    public const long FullBelowBytes = 16L * 1024 * 1024;

    /// <summary>Below this many free bytes a filesystem is nearly full: a warning.</summary>
    public const long NearlyFullBelowBytes = 256L * 1024 * 1024;

    /// <summary>
    /// A failure when the filesystem holding <paramref name="existing"/> is full (under <see cref="FullBelowBytes"/> free for
    /// the daemon's user), a warning when nearly full (under <see cref="NearlyFullBelowBytes"/>), null when it has room or
    /// cannot be told (docs/operations.md, "A full disk").
    /// </summary>
    public static DoctorCheck? SpaceProblem(string name, string existing, string otherFix)
    {
        if (Storage.DiskFull.SpaceAt(existing) is not var (available, total))
        {
            return null;
        }

        var free = $"{Megabytes(available)} MiB free of {Megabytes(total)} MiB";
        var fix = $"free space on the filesystem of {existing}, {otherFix}";
        if (available < FullBelowBytes)
        {
            return DoctorCheck.Failed(name, $"the filesystem of {existing} is full ({free}): nothing can be moved or recorded there; files wait in the drop folder until there is room", fix);
        }

        return available < NearlyFullBelowBytes
            ? DoctorCheck.Warning(name, $"the filesystem of {existing} is nearly full ({free}); when it is full, files wait in the drop folder until there is room", fix)
            : null;
    }

    private static long Megabytes(long bytes) => bytes / (1024 * 1024);

    private static DoctorCheck SameFilesystem((string Key, string Path)[] folders)
    {
        var devices = folders
            .Select(folder => (folder.Key, Device: FirstExisting(folder.Path) is { } existing ? FileIdentity.Of(existing)?.Device : null))
            .Where(folder => folder.Device is not null)
            .ToList();
        var distinct = devices.Select(folder => folder.Device).Distinct().Count();
        if (distinct <= 1)
        {
            return DoctorCheck.Ok("Same filesystem", "Inbox, Faces and Review share a filesystem: every move is a rename");
        }

        var groups = string.Join("; ", devices.GroupBy(folder => folder.Device).Select(group => string.Join(", ", group.Select(folder => folder.Key))));
        return DoctorCheck.Warning(
            "Same filesystem",
            $"the folders are on {distinct} filesystems ({groups}): moves between them are copies (verified, then the original removed)",
            "put them on one disk for instant moves, or leave it: copies are safe but slower and need free space");
    }

    /// <summary>
    /// The folders the start makes when missing (docs/contracts.md, "Folders"), each with the key of
    /// <c>FaceSorter:Directories</c> that names it: the three roots, then <c>review/&lt;category&gt;/</c>.
    /// </summary>
    public static IEnumerable<(string Key, string Path)> MadeAtStart(DirectoriesOptions directories) =>
    [
        ("Inbox", directories.Inbox),
        ("Faces", directories.Faces),
        ("Review", directories.Review),
        .. Decisions.ReviewCategories.All.Select(category => ("Review", Path.Combine(directories.Review, category))),
    ];

    /// <summary>
    /// Why the start could not make or use <paramref name="path"/> (the problem and its fix, the fix naming <paramref name="setting"/>),
    /// or null when it is a writable folder or can be made: a file in its way, or a folder (itself, or the first existing
    /// parent of a missing one) that may not be written (permissions, a read-only mount, an immutable folder: <c>access(2)</c>).
    /// </summary>
    public static (string Problem, string Fix)? CannotUse(string path, string setting)
    {
        if (FirstExisting(path) is not { } existing)
        {
            return null;
        }

        if (File.Exists(existing))
        {
            return (existing == path ? $"{path} is a file, not a folder" : $"{path} cannot be created: {existing} is a file", $"move {existing} away, or point {setting} at a folder");
        }

        if (CanWrite(existing, out var why))
        {
            return null;
        }

        var fix = $"give the user running FaceSorter write access to {existing} (lsattr shows an immutable folder), or point {setting} elsewhere";
        return (existing == path ? $"{path} is not writable ({why})" : $"{path} cannot be created: {existing} is not writable ({why})", fix);
    }

    /// <summary>Why the start could not make a review category folder, and the fix: the first such problem, or null.</summary>
    private static (string Problem, string Fix)? CategoryProblem(DirectoriesOptions directories) =>
        MadeAtStart(directories).Skip(3).Select(folder => CannotUse(folder.Path, $"{DirectoriesOptions.Section}:Review")).FirstOrDefault(problem => problem is not null);

    internal static string? FirstExisting(string path)
    {
        for (var current = Path.GetFullPath(path); current is not null; current = Path.GetDirectoryName(current))
        {
            if (Path.Exists(current))
            {
                return current;
            }
        }

        return null;
    }

    private static bool CanWrite(string folder, out string why) => WriteAccess.Check(folder, out why);
}
