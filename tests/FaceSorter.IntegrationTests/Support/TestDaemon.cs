using System.Text.Json.Nodes;
using FaceSorter.App.Hosting;
using FaceSorter.Options;
using FaceSorter.Pipeline;
using FaceSorter.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>The real `run` host, in process, on a test folder with its own config file and SQLite file.</summary>
public sealed class TestDaemon : IAsyncDisposable
{
    private TestDaemon(IHost host, string configPath)
    {
        Host = host;
        ConfigPath = configPath;
        var directories = host.Services.GetRequiredService<IOptions<DirectoriesOptions>>().Value;
        Inbox = directories.Inbox;
        Faces = directories.Faces;
        Review = directories.Review;
        Store = host.Services.GetRequiredService<FaceSorterStore>();
        _ledger = host.Services.GetRequiredService<InboxLedger>();
    }

    private readonly InboxLedger _ledger;

    public IHost Host { get; }

    public string ConfigPath { get; }

    public string Inbox { get; }

    public string Faces { get; }

    public string Review { get; }

    public FaceSorterStore Store { get; }

    public static async Task<TestDaemon> StartAsync(string folder, Action<JsonObject>? configure, CancellationToken cancellationToken)
    {
        var configPath = TestConfig.Write(folder, configure);
        return await StartAsync(configPath, cancellationToken);
    }

    /// <summary>Starts again on an existing config (a restart).</summary>
    public static async Task<TestDaemon> StartAsync(string configPath, CancellationToken cancellationToken)
    {
        var host = FaceSorterHost.Build(configPath, FaceSorterVerb.Run);
        await host.StartAsync(cancellationToken);
        return new TestDaemon(host, configPath);
    }

    /// <summary>Waits until <paramref name="count"/> review rows exist (the record follows the move within its batch).</summary>
    public async Task<IReadOnlyList<ReviewItem>> ReviewRowsAsync(int count, CancellationToken cancellationToken)
    {
        await Eventually.UntilAsync(async () => (await Store.ListReviewAsync(null, null, cancellationToken)).Count >= count, TimeSpan.FromSeconds(20), $"{count} review rows", cancellationToken);
        return await Store.ListReviewAsync(null, null, cancellationToken);
    }

    /// <summary>
    /// Waits until <paramref name="path"/> exists and the pipeline holds no file. A file appears at its
    /// destination before its record is committed (the record completes the move's batch); the pipeline
    /// lets go of the file only after that, so a store read after this wait sees the record.
    /// </summary>
    public Task UntilSortedAsync(string path, string what, CancellationToken cancellationToken) =>
        Eventually.UntilAsync(() => File.Exists(path) && _ledger.InFlightCount == 0, TimeSpan.FromSeconds(30), what, cancellationToken);

    /// <summary>Waits until the pipeline holds no file (every file handed over has been sorted, failed or found gone).</summary>
    public Task UntilIdleAsync(string what, CancellationToken cancellationToken) =>
        Eventually.UntilAsync(() => _ledger.InFlightCount == 0, TimeSpan.FromSeconds(30), what, cancellationToken);

    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Host.Dispose();
    }
}
