namespace FaceSorter.Options;

/// <summary>
/// The config file in use; relative paths in it resolve against its folder, and a leading <c>~</c> or
/// <c>~/</c> against the home folder of the user the daemon runs as, as a shell would have done
/// (docs/contracts.md, "Folders").
/// </summary>
public sealed record ConfigLocation(string FilePath)
{
    public string Directory => Path.GetDirectoryName(Path.GetFullPath(FilePath))!;

    /// <summary>The absolute path <paramref name="path"/> names (see the type).</summary>
    public string Resolve(string path)
    {
        var expanded = ExpandHome(path);
        return Path.GetFullPath(Path.IsPathRooted(expanded) ? expanded : Path.Combine(Directory, expanded));
    }

    /// <summary>
    /// <paramref name="path"/> with a leading <c>~</c> or <c>~/</c> replaced by the home folder (<c>$HOME</c>, else the
    /// account's), and <c>~name</c> or <c>~name/</c> by that account's home folder from <c>/etc/passwd</c>, as a shell's
    /// tilde expansion (POSIX.1-2017, 2.6.1); unchanged when there is none (an unknown account stays literal, as in
    /// bash). JSON has no shell to expand it, and taken literally it made a folder named <c>~</c> beside the config
    /// file. Accounts known only to NSS (LDAP, sssd) are not looked up.
    /// </summary>
    public static string ExpandHome(string path)
    {
        if (!path.StartsWith('~'))
        {
            return path;
        }

        var end = path.IndexOf('/', StringComparison.Ordinal);
        var account = end < 0 ? path[1..] : path[1..end];
        var home = account.Length == 0 ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : HomeOf(account);
        return string.IsNullOrEmpty(home) ? path : home + (end < 0 ? "" : path[end..]);
    }

    /// <summary>The home folder of <paramref name="account"/> in <c>/etc/passwd</c> (name:password:uid:gid:gecos:home:shell), or null.</summary>
    private static string? HomeOf(string account)
    {
        try
        {
            return File.ReadLines("/etc/passwd")
                .Select(line => line.Split(':'))
                .FirstOrDefault(fields => fields.Length >= 7 && fields[0] == account)?[5];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
