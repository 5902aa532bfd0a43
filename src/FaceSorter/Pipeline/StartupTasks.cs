using FaceSorter.Decisions;
using FaceSorter.Moving;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Pipeline;

/// <summary>
/// Runs before the pipeline and the watchers start: creates the folders, migrates the store,
/// loads the persisted settings and resolves every move a crash left unfinished, so the first scan
/// sees each file in exactly one place.
/// </summary>
public sealed class StartupTasks(
    IStoreSchema store,
    JournalRecovery recovery,
    SortingSettings settings,
    IOptions<DirectoriesOptions> directories,
    StoreLocation location,
    ConfigLocation config,
    ILogger<StartupTasks> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (ConfigSecrets.Inspect(config.FilePath) is { ReadableByOthers: true } secrets)
        {
            logger.SecretReadableByOthers(secrets.ConfigPath, string.Join(" and ", secrets.Keys), secrets.OctalMode, ConfigSecrets.FileKeys);
        }

        var folders = directories.Value;
        Directory.CreateDirectory(folders.Inbox);
        Directory.CreateDirectory(folders.Faces);
        foreach (var category in ReviewCategories.All)
        {
            Directory.CreateDirectory(Path.Combine(folders.Review, category));
        }

        await store.MigrateAsync(cancellationToken);
        logger.StoreReady(location.Provider.ToString(), location.Description, store.SchemaVersion);
        await settings.LoadAsync(cancellationToken);
        await recovery.RecoverAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
