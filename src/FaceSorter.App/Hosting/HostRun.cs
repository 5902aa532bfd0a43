using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FaceSorter.App.Hosting;

/// <summary>
/// Runs a host to its end and says how it ended, as an exit code: 0 when it was stopped (Ctrl-C, SIGTERM,
/// the end of a scan), 1 when it stopped because one of its background services failed. The host logs that
/// failure itself (Error, then Fatal "…configured to StopHost"); before, the process still exited 0, so a
/// service manager that restarts on failure (etc/facesorter.service: <c>Restart=on-failure</c>) left the
/// daemon down.
/// </summary>
internal static class HostRun
{
    public const int Stopped = 0;
    public const int Failed = 1;

    /// <summary>Runs <paramref name="host"/> (which disposes it) and returns <see cref="Stopped"/> or <see cref="Failed"/>.</summary>
    public static async Task<int> RunAsync(IHost host, CancellationToken cancellationToken)
    {
        // Resolved before the run: RunAsync disposes the host when it ends.
        var services = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        await host.RunAsync(cancellationToken);
        return services.Any(service => service.ExecuteTask is { IsFaulted: true }) ? Failed : Stopped;
    }
}
