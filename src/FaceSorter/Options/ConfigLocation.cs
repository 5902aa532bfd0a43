namespace FaceSorter.Options;

/// <summary>
/// The config file in use; relative paths in it resolve against its folder, and a leading <c>~</c> or
/// <c>~/</c> against the home folder of the user the daemon runs as, as a shell would have done
/// (docs/contracts.md, "Folders").
/// </summary>
public sealed record ConfigLocation(string FilePath)
{
    public string Directory => Path.GetDirectoryName(Path.GetFullPath(FilePath))!;

    /// <summary>The absolute path <paramref name="path"/> names (see the type); <c>~user/</c> is not expanded.</summary>
    public string Resolve(string path)
    {
        var expanded = ExpandHome(path);
        return Path.GetFullPath(Path.IsPathRooted(expanded) ? expanded : Path.Combine(Directory, expanded));
    }

    /// <summary>
    /// <paramref name="path"/> with a leading <c>~</c> or <c>~/</c> replaced by the home folder (<c>$HOME</c>, else the
    /// account's); unchanged when there is none. JSON has no shell to expand it, and taken literally it made a
    /// folder named <c>~</c> beside the config file.
    /// </summary>
    public static string ExpandHome(string path)
    {
        if (path != "~" && !path.StartsWith("~/", StringComparison.Ordinal))
        {
            return path;
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? path : home + path[1..];
    }
}
