using System.Diagnostics;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>One run of a verb of the published app, as a user types it: exit code, stdout and stderr apart.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    private static readonly TimeSpan VerbDeadline = TimeSpan.FromSeconds(60);

    public static Task<CliRun> RunAsync(string configPath, CancellationToken cancellationToken, params string[] arguments) =>
        RunUnderAsync([], configPath, cancellationToken, arguments);

    /// <summary>Like <see cref="RunAsync"/>, through a launcher that runs the app given after its own arguments (e.g. <see cref="DaemonProcess.OwnPidNamespace"/>).</summary>
    public static Task<CliRun> RunUnderAsync(IReadOnlyList<string> launcher, string configPath, CancellationToken cancellationToken, params string[] arguments) =>
        RunAsync(launcher, Path.GetDirectoryName(configPath)!, new Dictionary<string, string?>(), cancellationToken, [.. arguments, "--config", configPath]);

    /// <summary>
    /// A verb run without <c>--config</c>, in <paramref name="workingDirectory"/>, with
    /// <paramref name="environment"/> added (e.g. <c>FACESORTER_CONFIG</c>), through an optional
    /// <paramref name="launcher"/> (e.g. <c>setpriv</c> to run as another user).
    /// </summary>
    public static async Task<CliRun> RunAsync(IReadOnlyList<string> launcher, string workingDirectory, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken, params string[] arguments)
    {
        var executable = await PublishedApp.ExecutableAsync(cancellationToken);
        var start = new ProcessStartInfo(launcher.Count == 0 ? executable : launcher[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var command = launcher.Count == 0 ? arguments : [.. launcher.Skip(1), executable, .. arguments];
        foreach (var argument in command)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(VerbDeadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"facesorter {string.Join(' ', arguments)} did not exit within {VerbDeadline}; it printed:{Environment.NewLine}{await stdout}{await stderr}");
        }

        return new CliRun(process.ExitCode, await stdout, await stderr);
    }
}
