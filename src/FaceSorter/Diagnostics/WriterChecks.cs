using FaceSorter.Options;
using FaceSorter.Settling;

namespace FaceSorter.Diagnostics;

/// <summary>
/// Whether a file another user is still writing can be recognised (the <c>/proc</c> scan's reach),
/// and whether the config file gives its secrets away to every user on the machine.
/// </summary>
public static class WriterChecks
{
    public static DoctorCheck WriterCheck(WriterVisibility visibility, SortingOptions sorting) => visibility.SeesOtherUsers
        ? DoctorCheck.Ok("Writer check", $"sees every user's open files ({visibility.Reason}); inotify's close-after-write covers every writer too")
        : DoctorCheck.Warning(
            "Writer check",
            $"cannot see other users' open files ({visibility.Reason}): another user's download is taken once inotify saw it closed, or, if it began before FaceSorter started, after {sorting.BlindSettleTime} of quiet ({SortingOptions.Section}:BlindSettleTime)",
            "run FaceSorter as the user who downloads, or grant it CAP_SYS_PTRACE (AmbientCapabilities=CAP_SYS_PTRACE in the unit); a drop folder on NFS/SMB/FUSE gets no inotify events from other machines");

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
