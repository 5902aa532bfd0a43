using System.Diagnostics;
using System.Text;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>The published app running as a separate process, which a test can kill -9 or stop with SIGTERM.</summary>
public sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DaemonProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    public static async Task<DaemonProcess> StartAsync(string configPath, CancellationToken cancellationToken, params string[] verb)
    {
        var executable = await PublishedApp.ExecutableAsync(cancellationToken);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(configPath)!,
        };
        foreach (var argument in verb.Length == 0 ? ["run"] : verb)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(configPath);
        return new DaemonProcess(Process.Start(start)!);
    }

    /// <summary>
    /// A launcher that runs a command in a PID namespace of its own with its own <c>/proc</c>, as a
    /// container started without <c>--pid host</c> does: processes outside it are not in its <c>/proc</c>.
    /// </summary>
    public static IReadOnlyList<string> OwnPidNamespace { get; } = ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc", "--"];

    /// <summary><c>facesorter run</c> in a PID namespace of its own (<see cref="OwnPidNamespace"/>).</summary>
    public static async Task<DaemonProcess> StartInOwnPidNamespaceAsync(string configPath, CancellationToken cancellationToken)
    {
        var executable = await PublishedApp.ExecutableAsync(cancellationToken);
        var start = new ProcessStartInfo(OwnPidNamespace[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(configPath)!,
        };
        foreach (var argument in OwnPidNamespace.Skip(1).Concat([executable, "run", "--config", configPath]))
        {
            start.ArgumentList.Add(argument);
        }

        return new DaemonProcess(Process.Start(start)!);
    }

    /// <summary>
    /// <c>facesorter run</c> as another user (<c>setpriv --reuid --regid --init-groups</c>), as the shipped
    /// unit runs it: the config and its folder must be readable and writable by that user.
    /// </summary>
    public static async Task<DaemonProcess> StartAsUserAsync(string configPath, string user, string group, CancellationToken cancellationToken)
    {
        var executable = await PublishedApp.ExecutableAsync(cancellationToken);
        var folder = Path.GetDirectoryName(configPath)!;
        var start = new ProcessStartInfo("setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        start.Environment["HOME"] = folder;
        foreach (var argument in new[] { $"--reuid={user}", $"--regid={group}", "--init-groups", "--", executable, "run", "--config", configPath })
        {
            start.ArgumentList.Add(argument);
        }

        return new DaemonProcess(Process.Start(start)!);
    }

    /// <summary>
    /// <c>facesorter run</c> started by a shell that holds <paramref name="heldFile"/> open for appending
    /// (descriptor 3, "part one " written), so the daemon inherits that descriptor. A line written with
    /// <see cref="TellAsync"/> makes the shell append "part two" and close its own copy; the shell then waits
    /// for the daemon.
    /// </summary>
    public static async Task<DaemonProcess> StartFromShellHoldingAsync(string configPath, string heldFile, CancellationToken cancellationToken)
    {
        var executable = await PublishedApp.ExecutableAsync(cancellationToken);
        const string Script = """exec 3>>"$1"; printf 'part one ' >&3; "$2" run --config "$3" & daemon=$!; read line; printf 'part two' >&3; exec 3>&-; wait $daemon""";
        var start = new ProcessStartInfo("sh", ["-c", Script, "sh", heldFile, executable, configPath])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(configPath)!,
        };
        return new DaemonProcess(Process.Start(start)!);
    }

    /// <summary>Writes a line to the process's standard input (see <see cref="StartFromShellHoldingAsync"/>).</summary>
    public async Task TellAsync(string line, CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync(line.AsMemory(), cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
    }

    /// <summary>kill -9: no chance to clean up.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd or Ctrl-C would, then wait for the exit code.</summary>
    public async Task<int> TerminateAsync(CancellationToken cancellationToken)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }

        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
