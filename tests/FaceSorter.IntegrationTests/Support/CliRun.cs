using System.Diagnostics;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>One run of a verb of the published app, as a user types it: exit code, stdout and stderr apart.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<CliRun> RunAsync(string configPath, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo(await PublishedApp.ExecutableAsync(cancellationToken))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(configPath)!,
        };
        foreach (var argument in arguments.Concat(["--config", configPath]))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }
}
