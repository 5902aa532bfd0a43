using FaceSorter.Options;
using FaceSorter.Settling;

namespace FaceSorter.Diagnostics;

/// <summary>
/// Whether a file another user, or a process outside our PID namespace, is still writing can be
/// recognised (the <c>/proc</c> scan's reach),
/// and whether the config file gives its secrets away to every user on the machine.
/// </summary>
public static class WriterChecks
{
    public static DoctorCheck WriterCheck(WriterVisibility visibility, SortingOptions sorting)
    {
        const string name = "Writer check";
        if (visibility.SeesEveryWriter)
        {
            return DoctorCheck.Ok(name, $"sees every user's open files ({visibility.Reason}); inotify's close-after-write covers every writer too");
        }

        var unseen = new List<string>();
        var fixes = new List<string>();
        if (!visibility.SeesOtherUsers)
        {
            unseen.Add($"other users' open files ({visibility.Reason})");
            fixes.Add(visibility.OtherUsersFix);
        }

        if (visibility.OtherNamespaceHidden is { } hidden)
        {
            unseen.Add($"the open files of processes outside its PID namespace ({hidden})");
            fixes.Add("run the container with --pid host (compose: pid: host), as the downloader's uid, root or with CAP_SYS_PTRACE");
        }

        return DoctorCheck.Warning(
            name,
            $"cannot see {string.Join(", nor ", unseen)}: such a download is taken once inotify saw it closed, or, if it began before FaceSorter started, after {sorting.BlindSettleTime} of quiet ({SortingOptions.Section}:BlindSettleTime)",
            string.Join("; ", fixes) + "; a drop folder on NFS/SMB/FUSE gets no inotify events from other machines");
    }

    public static DoctorCheck Secrets(ConfigLocation config)
    {
        const string name = "Config secrets";
        if (!File.Exists(config.FilePath))
        {
            return DoctorCheck.Ok(name, $"no config file at {config.FilePath}: the built-in defaults hold no secret");
        }

        if (ConfigSecrets.Inspect(config.FilePath) is not { } secrets)
        {
            return DoctorCheck.Skipped(name, $"{config.FilePath} could not be read");
        }

        if (secrets.Keys.Count == 0)
        {
            return DoctorCheck.Ok(name, $"{config.FilePath} holds no API key or token");
        }

        var keys = string.Join(" and ", secrets.Keys);
        return secrets.ReadableByOthers
            ? DoctorCheck.Warning(name, $"{config.FilePath} holds {keys} and is readable by every user (mode {secrets.OctalMode})", $"chmod 640 {config.FilePath}, or keep the secret in a file: {ConfigSecrets.FileKeys}")
            : DoctorCheck.Ok(name, $"{config.FilePath} holds {keys} and is not readable by other users (mode {secrets.OctalMode})");
    }
}
