using System.Globalization;
using FaceSorter.Immich;
using FaceSorter.Immich.MachineLearning;
using FaceSorter.Immich.Upload;
using FaceSorter.Options;
using FaceSorter.Pipeline;
using FaceSorter.Watching;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.App.Hosting;

/// <summary>
/// What <c>run</c> tells the operator: once everything has started, one summary (mode, Immich's
/// address and whether it answered, whether an API key is set, the review page, the folders, and
/// the one thing to set next); at the end one line with the run's figures. Asking Immich here is
/// what moves the status page from "not checked yet" to up or down before the first file: the
/// Upload face service's version lookup is reused, so its answer is cached for the first file.
/// </summary>
internal sealed partial class StartupReport(
    IServiceProvider services,
    IOptions<ImmichOptions> immichOptions,
    IOptions<DirectoriesOptions> directories,
    IOptions<WebOptions> web,
    ImmichOutage outage,
    RunSummary summary,
    DropFolderMonitor monitor,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<StartupReport> logger) : BackgroundService
{
    private const string UrlKey = ImmichOptions.Section + ":Url";
    private const string KeyKey = ImmichOptions.Section + ":ApiKey";

    // A start-up question, not a file: an unreachable host should not hold the summary for the full RequestTimeout.
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = clock.GetTimestamp();
        lifetime.ApplicationStopped.Register(() =>
            logger.Stopped(Plural.Duration(clock.GetElapsedTime(started)), summary.Finished, summary.ToFaces, summary.ToReview, summary.Failed, monitor.Waiting));

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => ready.TrySetResult()))
        using (stoppingToken.Register(() => ready.TrySetCanceled(stoppingToken)))
        {
            await ready.Task;
        }

        var options = immichOptions.Value;
        var (immich, next) = await AskImmichAsync(options, stoppingToken);
        var folders = directories.Value;
        logger.StartupSummary(
            options.Mode.ToString(),
            immich,
            options.Mode == ImmichMode.Upload || options.AssignApprovals
                ? string.IsNullOrWhiteSpace(options.ApiKey) ? $"not set ({KeyKey})" : "set"
                : "not needed in MachineLearning mode",
            ReviewPage(),
            folders.Inbox,
            folders.Faces,
            folders.Review,
            next ?? $"nothing: drop or download files into {folders.Inbox}");
    }

    /// <summary>What Immich answered, reported to <see cref="ImmichOutage"/>, and what to set if it did not.</summary>
    private async Task<(string Answer, string? Next)> AskImmichAsync(ImmichOptions options, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(AskTimeout);
        try
        {
            if (options.Mode == ImmichMode.MachineLearning)
            {
                var ml = services.GetRequiredService<MachineLearningClient>();
                if (!await ml.PingAsync(timeout.Token))
                {
                    outage.ReportFailure($"the ML service at {ml.BaseAddress} does not answer its ping");
                    return ($"ML service {ml.BaseAddress} did not answer", $"start immich-machine-learning (port 3003), or set {ImmichOptions.Section}:MachineLearningUrl — files wait in the drop folder until it answers");
                }

                outage.ReportSuccess();
                return ($"ML service {ml.BaseAddress} answered", null);
            }

            var upload = services.GetRequiredService<UploadFaceService>();
            var client = services.GetRequiredService<ImmichServerClient>();
            var version = await upload.GetServerVersionAsync(timeout.Token);
            var answered = $"{client.Url} answered: Immich {version}";
            if (string.IsNullOrWhiteSpace(options.ApiKey))
            {
                outage.ReportFailure($"{KeyKey} is not set");
                return (answered, $"set {KeyKey} (Immich → Account settings → API keys) — files wait in the drop folder until then");
            }

            try
            {
                await client.GetMyUserAsync(timeout.Token);
            }
            catch (FaceServiceUnavailableException exception)
            {
                outage.ReportFailure(exception.Message);
                return (answered + ", but refused the API key", $"check {KeyKey}: {exception.Message}");
            }

            outage.ReportSuccess();
            return (answered, null);
        }
        catch (FaceServiceUnavailableException exception)
        {
            outage.ReportFailure(exception.Message);
            return ($"{options.Url} did not answer: {exception.Message}", UnreachableFix(options));
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            var reason = string.Create(CultureInfo.InvariantCulture, $"no answer within {AskTimeout.TotalSeconds:0} s");
            outage.ReportFailure(reason);
            return ($"{options.Url}: {reason}", UnreachableFix(options));
        }
    }

    private static string UnreachableFix(ImmichOptions options) => options.Mode == ImmichMode.MachineLearning
        ? $"start immich-machine-learning (port 3003), or set {ImmichOptions.Section}:MachineLearningUrl — files wait in the drop folder until it answers"
        : $"start Immich, or set {UrlKey} to its address (e.g. http://immich-host:2283) — files wait in the drop folder until it answers";

    /// <summary>The address the web server really listens on (port 0 resolved), and whether a token guards it.</summary>
    private string ReviewPage()
    {
        var options = web.Value;
        if (!options.Enabled)
        {
            return $"off ({WebOptions.Section}:Enabled is false)";
        }

        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
            ?? "";
        // Listening on every address (0.0.0.0, [::], +, *): the machine's name is one another machine can open.
        var url = AnyAddress().Replace(address.TrimEnd('/'), $"//{Environment.MachineName}:") + "/";
        return string.IsNullOrEmpty(options.Token)
            ? $"{url} (no token: loopback only)"
            : $"{url}?token=… (protected by {WebOptions.Section}:Token)";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"//(0\.0\.0\.0|\[::\]|\+|\*):")]
    private static partial System.Text.RegularExpressions.Regex AnyAddress();

    /// <summary>e.g. <c>45s</c>, <c>3m12s</c>, <c>2h05m</c>, <c>3d04h</c>.</summary>
}
