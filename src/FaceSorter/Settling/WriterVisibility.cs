using System.Globalization;
using System.Runtime.InteropServices;

namespace FaceSorter.Settling;

/// <summary>
/// Whether the <c>/proc/*/fd</c> scan (<see cref="OpenWriterProbe"/>) can see other users' processes.
/// A process may read another's <c>/proc/&lt;pid&gt;/fd</c> only as root or with CAP_SYS_PTRACE, and a
/// <c>/proc</c> mounted with <c>hidepid=</c> hides other users' processes altogether
/// (docs/linux-facts.md "Writers FaceSorter cannot see"). Detected once, by trying: a process of
/// another uid whose <c>fd</c> folder we can list proves it; one we cannot list disproves it.
/// <para>
/// Apart from users, the scan sees only the processes of our own PID namespace: in a container
/// started without <c>--pid host</c> a downloader on the host or in another container is not in
/// <c>/proc</c> at all (<see cref="OtherNamespaceHidden"/>; docs/linux-facts.md "Open files are
/// matched by identity").
/// </para>
/// </summary>
/// <param name="SeesOtherUsers">True when writers of every user are visible to the scan.</param>
/// <param name="Reason">Why, in words a user can act on (who we run as, what was tried).</param>
public sealed partial record WriterVisibility(bool SeesOtherUsers, string Reason)
{
    private const int CapSysPtrace = 19;

    // PROC_PID_INIT_INO (include/linux/proc_ns.h): the inode /proc/self/ns/pid names in the host's,
    // the initial, PID namespace ("pid:[4026531836]") since Linux 3.8.
    private const string InitialPidNamespace = "pid:[4026531836]";

    /// <summary>
    /// Why processes outside our PID namespace cannot be seen (we run in a namespace of our own: a
    /// container without <c>--pid host</c>), or null when we share the host's and nothing is hidden
    /// that way.
    /// </summary>
    public string? OtherNamespaceHidden { get; init; }

    /// <summary>True when the scan sees every process that could write a file: every user's, in the host's PID namespace.</summary>
    public bool SeesEveryWriter => SeesOtherUsers && OtherNamespaceHidden is null;

    /// <summary>
    /// True when FaceSorter runs in a container (podman's <c>/run/.containerenv</c>, Docker's
    /// <c>/.dockerenv</c>, or a PID namespace of its own): fixes are then container options
    /// (<c>--cap-add SYS_PTRACE</c>, <c>--user</c>, <c>--pid host</c>), not systemd unit lines.
    /// </summary>
    public bool InContainer { get; init; }

    /// <summary>How to let the scan see other users' open files, in the terms of where FaceSorter runs.</summary>
    public string OtherUsersFix => InContainer
        ? "run the container as the downloader's uid (--user uid:gid), or add CAP_SYS_PTRACE (--cap-add SYS_PTRACE; compose: cap_add: [SYS_PTRACE])"
        : "run FaceSorter as the user who downloads, or grant it CAP_SYS_PTRACE (AmbientCapabilities=CAP_SYS_PTRACE in the unit)";

    public static WriterVisibility Detect()
    {
        var hidden = PidNamespaceHidden();
        return DetectUsers() with
        {
            OtherNamespaceHidden = hidden,
            InContainer = hidden is not null || File.Exists("/run/.containerenv") || File.Exists("/.dockerenv"),
        };
    }

    /// <summary>
    /// Why processes of other PID namespaces are hidden, from the link <c>/proc/self/ns/pid</c>:
    /// anything but the initial namespace is a child one (a container's) that cannot see its parent's processes.
    /// </summary>
    private static string? PidNamespaceHidden()
    {
        string? pidNamespace;
        try
        {
            pidNamespace = new FileInfo("/proc/self/ns/pid").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        return pidNamespace is null or InitialPidNamespace
            ? null
            : $"FaceSorter runs in a PID namespace of its own ({pidNamespace}; the host's is {InitialPidNamespace}), as in a container started without --pid host: processes outside it, a downloader on the host or in another container, are not in its /proc";
    }

    private static WriterVisibility DetectUsers()
    {
        var uid = GetEUid();
        var who = uid == 0 ? "running as root" : string.Create(CultureInfo.InvariantCulture, $"running as {Environment.UserName} (uid {uid})");
        var ptrace = HasEffectiveCapability(CapSysPtrace);
        var hidepid = HidePidOption();
        foreach (var process in OtherUsersProcesses(uid))
        {
            try
            {
                _ = Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")).Any();
                return new WriterVisibility(true, $"{who}{(ptrace && uid != 0 ? " with CAP_SYS_PTRACE" : "")}: another user's {process}/fd is readable");
            }
            catch (UnauthorizedAccessException)
            {
                return new WriterVisibility(false, $"{who} without CAP_SYS_PTRACE: another user's {process}/fd is not readable");
            }
            catch (IOException)
            {
                // That process ended while we looked: try the next one.
            }
        }

        // No other user's process is visible to try.
        if (uid == 0 || ptrace)
        {
            return new WriterVisibility(true, uid == 0 ? who : $"{who} with CAP_SYS_PTRACE");
        }

        return hidepid is not null
            ? new WriterVisibility(false, $"{who}, and /proc is mounted with hidepid={hidepid}: other users' processes are hidden")
            : new WriterVisibility(false, $"{who}, neither root nor holding CAP_SYS_PTRACE");
    }

    private static IEnumerable<string> OtherUsersProcesses(uint uid)
    {
        IEnumerable<string> processes;
        try
        {
            processes = Directory.EnumerateDirectories("/proc").ToList();
        }
        catch (IOException)
        {
            yield break;
        }

        foreach (var process in processes)
        {
            var pid = Path.GetFileName(process);
            if (pid.Length > 0 && char.IsAsciiDigit(pid[0]) && OwnerOf(process) is { } owner && owner != uid)
            {
                yield return process;
            }
        }
    }

    /// <summary>The <c>hidepid=</c> value of the <c>/proc</c> mount, or null when other users' processes are not hidden.</summary>
    private static string? HidePidOption()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                // "22 27 0:21 / /proc rw,relatime - proc proc rw,hidepid=invisible": the mount point is field 5.
                var fields = line.Split(' ');
                if (fields.Length < 5 || fields[4] != "/proc")
                {
                    continue;
                }

                var option = line.Split(' ', ',').FirstOrDefault(part => part.StartsWith("hidepid=", StringComparison.Ordinal));
                var value = option?["hidepid=".Length..];
                return value is null or "0" or "off" ? null : value;
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    private static bool HasEffectiveCapability(int capability)
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(text => text.StartsWith("CapEff:", StringComparison.Ordinal));
            return line is not null
                && ulong.TryParse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask)
                && (mask & (1UL << capability)) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static uint? OwnerOf(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        // STATX_UID (0x8); stx_uid is the u32 at offset 20.
        return StatX(-100, path, 0, 0x8, ref MemoryMarshal.GetReference(buffer)) == 0 ? BitConverter.ToUInt32(buffer[20..24]) : null;
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEUid();

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
