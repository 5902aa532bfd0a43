using FaceSorter.Decisions;
using FaceSorter.Moving;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Configuration;
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
    IContentClaims claims,
    IReviewQueue reviews,
    Review.ReviewThumbnails thumbnails,
    IConfiguration configuration,
    ILogger<StartupTasks> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (key, meant) in UnknownSettings.Find(configuration))
        {
            logger.UnknownSetting(key, meant is null ? "" : $" (did you mean {meant}?)");
        }

        if (ConfigSecrets.Inspect(config.FilePath) is { ReadableByOthers: true } secrets)
        {
            logger.SecretReadableByOthers(secrets.ConfigPath, string.Join(" and ", secrets.Keys), secrets.OctalMode, ConfigSecrets.FileKeys);
        }

        try
        {
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
            await ReleaseClaimsOfDeletedFilesAsync(cancellationToken);
            await SweepReviewThumbnailsAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && DiskFull.Is(exception))
        {
            // One line naming the problem, not a stack trace (docs/operations.md, "A full disk").
            var where = location.Provider == DatabaseProvider.Postgres && exception is not IOException ? $"the PostgreSQL server ({location.Description})" : location.DataFolder;
            var available = DiskFull.SpaceAt(location.DataFolder)?.Available ?? -1;
            logger.DiskFullAtStart(where, available, exception.Message);
            throw new DiskFullAtStartException(where, exception);
        }
    }

    /// <summary>
    /// A file claimed its content and was deleted from the drop folder while FaceSorter was stopped:
    /// its claim is given up, so a later copy is not called a duplicate of something the user deleted
    /// (docs/contracts.md, "Decision rules"). Only with the embedded SQLite store, which one daemon
    /// owns (its instance lock): in a shared PostgreSQL store an <c>inbox:</c> path may be another
    /// daemon's file, in its own drop folder, which this daemon cannot see. Runs after the journal
    /// recovery, so a file whose move was cut short is never taken for deleted.
    /// </summary>
    private async Task ReleaseClaimsOfDeletedFilesAsync(CancellationToken cancellationToken)
    {
        if (!claims.OwnsDropFolderClaims)
        {
            return;
        }

        foreach (var claim in await claims.ListDropFolderClaimsAsync(cancellationToken))
        {
            if (!File.Exists(claim.Path))
            {
                await claims.ReleaseClaimAsync(claim.FileHash, claim.Path, cancellationToken);
                logger.StaleClaimReleased(claim.Path);
            }
        }
    }

    /// <summary>Removes the review thumbnails the pipeline kept for files no longer in review (docs/architecture.md, "One decode per file").</summary>
    private async Task SweepReviewThumbnailsAsync(CancellationToken cancellationToken)
    {
        var pending = await reviews.ListReviewAsync(category: null, ReviewAction.Pending, cancellationToken);
        var removed = thumbnails.Sweep(pending.Select(item => item.FileHash).OfType<string>().ToHashSet(StringComparer.Ordinal));
        if (removed > 0)
        {
            logger.ReviewThumbnailsSwept(removed);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
