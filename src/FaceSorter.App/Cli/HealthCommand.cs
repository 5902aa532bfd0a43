using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FaceSorter.App.Hosting;
using FaceSorter.Diagnostics;
using FaceSorter.Options;
using FaceSorter.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FaceSorter.App.Cli;

/// <summary>
/// <c>facesorter health [--json]</c>: is the daemon of this config alive? It asks the running
/// daemon's own status endpoint (<c>GET /api/smart-download/status</c> on the first address of
/// <c>Web:Urls</c>, loopback for a wildcard, with the token when one is set), which answers from the
/// daemon's process and reads its store. Exit code 0 when the daemon answers, 1 when it does not.
/// Immich's state is printed beside it and never decides the exit code: during an Immich outage the
/// daemon is healthy, files wait in the drop folder (docs/operations.md, "Container"). With
/// <c>Web:Enabled</c> false it can only ask whether a FaceSorter holds the drop folder's lock.
/// Read-only, like <c>doctor</c>; meant for a container's <c>HEALTHCHECK</c>.
/// </summary>
internal static class HealthCommand
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var command = new Command("health", "Say whether the daemon of this config runs and answers (exit 0) or not (exit 1), and Immich's state as the daemon sees it");
        command.Options.Add(CommonOptions.Json);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var report = await AskAsync(parse.GetValue(CommonOptions.Config), cancellationToken);
            await parse.InvocationConfiguration.Output.WriteLineAsync(parse.GetValue(CommonOptions.Json)
                ? JsonSerializer.Serialize(new { healthy = report.Healthy, detail = report.Detail, immich = report.Immich, immich_reason = report.ImmichReason })
                : report.ToText());
            return report.Healthy ? 0 : 1;
        });
        return command;
    }

    /// <summary>
    /// The daemon's health by this config. A config that cannot be read is "unhealthy" (exit 1), not a config
    /// error (exit 2): health is a container's <c>HEALTHCHECK</c>, where 2 is reserved.
    /// </summary>
    private static async Task<HealthReport> AskAsync(string? configPath, CancellationToken cancellationToken)
    {
        IHost host;
        try
        {
            host = FaceSorterHost.Build(configPath, FaceSorterVerb.Doctor, quiet: true);
        }
        catch (Exception exception) when (StartupErrors.Describe(exception) is { } problem)
        {
            return new HealthReport(false, $"the config cannot be read:{Environment.NewLine}{problem}", "unknown", null);
        }

        using (host)
        {
            var web = host.Services.GetRequiredService<IOptions<WebOptions>>().Value;
            return web.Enabled ? await AskDaemonAsync(web, cancellationToken) : AskLock(host.Services);
        }
    }

    private static async Task<HealthReport> AskDaemonAsync(WebOptions web, CancellationToken cancellationToken)
    {
        var probe = WebAddress.Parse(web.Urls)[0].Probe;
        using var http = new HttpClient { Timeout = AskTimeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, probe);
        if (!string.IsNullOrWhiteSpace(web.Token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", web.Token);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                // It runs and answers; what is wrong is this command's token, not the daemon.
                var token = string.IsNullOrWhiteSpace(web.Token) ? "health sent no token" : "health's token is not the daemon's";
                return new HealthReport(false, $"the daemon at {probe.GetLeftPart(UriPartial.Authority)} runs but refused the status request: {token}. Fix: run health with the daemon's {WebOptions.Section}:Token (the same config file, FACESORTER__Web__Token or Web:TokenFile)", "unknown", null);
            }

            if (!response.IsSuccessStatusCode)
            {
                return new HealthReport(false, $"the daemon at {probe} answered HTTP {(int)response.StatusCode}: {text}", "unknown", null);
            }

            using var status = JsonDocument.Parse(text);
            var root = status.RootElement;
            var immich = root.TryGetProperty("immich", out var state) ? state.GetString() ?? "unknown" : "unknown";
            var reason = root.TryGetProperty("immich_error", out var why) && why.ValueKind == JsonValueKind.String ? why.GetString() : null;
            var depth = root.TryGetProperty("queue_depth", out var queued) && queued.TryGetInt32(out var count) ? count : 0;
            var waiting = root.TryGetProperty("waiting", out var inDropFolder) && inDropFolder.TryGetInt32(out var files) ? files : depth;
            var paused = root.TryGetProperty("enabled", out var enabled) && enabled.ValueKind == JsonValueKind.False;
            return new HealthReport(true, $"the daemon answers at {probe.GetLeftPart(UriPartial.Authority)}: {depth} in the pipeline, {waiting} waiting in the drop folder{(paused ? ", sorting paused" : "")}", immich, reason);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
        {
            var why = exception is TaskCanceledException ? $"no answer within {AskTimeout.TotalSeconds:0} s" : exception.Message;
            return new HealthReport(false, $"no FaceSorter daemon answers at {probe}: {why}", "unknown", null);
        }
    }

    private static HealthReport AskLock(IServiceProvider services)
    {
        var directories = services.GetRequiredService<IOptions<DirectoriesOptions>>().Value;
        var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        return InstanceLock.FindHolder(directories, database) is { } running
            ? new HealthReport(true, $"a FaceSorter{(running.Pid is { } pid ? $" (pid {pid})" : "")} runs on {running.What} (Web:Enabled is false, so it is not asked)", "unknown", null)
            : new HealthReport(false, $"no FaceSorter runs on {directories.Inbox}", "unknown", null);
    }

    private sealed record HealthReport(bool Healthy, string Detail, string Immich, string? ImmichReason)
    {
        public string ToText() =>
            $"{(Healthy ? "healthy" : "UNHEALTHY")}: {Detail}{Environment.NewLine}immich: {Immich}{(ImmichReason is null ? "" : $" ({ImmichReason})")}";
    }
}
