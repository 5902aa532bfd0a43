using FaceSorter.App.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceSorter.IntegrationTests.Cli;

/// <summary>
/// `run` and `scan` exit 1 when a part of the daemon failed and stopped it (new-user trial: a review decision
/// on a full disk stopped the daemon with exit 0, and <c>Restart=on-failure</c> left it down), 0 when stopped.
/// </summary>
public sealed class HostRunTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_host_stopped_by_a_failed_background_service_exits_1_and_one_stopped_on_purpose_exits_0()
    {
        (await HostRun.RunAsync(HostWith<Fails>(), Token)).Should().Be(HostRun.Failed);
        (await HostRun.RunAsync(HostWith<StopsTheHost>(), Token)).Should().Be(HostRun.Stopped);
    }

    private static IHost HostWith<TService>()
        where TService : class, IHostedService
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHostedService<TService>();
        return builder.Build();
    }

    private sealed class Fails : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw new InvalidOperationException("a part of the daemon failed");
        }
    }

    private sealed class StopsTheHost(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            lifetime.StopApplication();
        }
    }
}
