using FaceSorter.Diagnostics;
using FaceSorter.Hashing;
using FaceSorter.Immich;
using FaceSorter.Immich.MachineLearning;
using FaceSorter.Immich.Upload;
using FaceSorter.Media;
using FaceSorter.Moving;
using FaceSorter.NearDuplicates;
using FaceSorter.Notifications;
using FaceSorter.Options;
using FaceSorter.Pipeline;
using FaceSorter.Pipeline.Stages;
using FaceSorter.Review;
using FaceSorter.Settling;
using FaceSorter.Storage;
using FaceSorter.Storage.Postgres;
using FaceSorter.Watching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceSorter;

public static class FaceSorterServiceCollectionExtensions
{
    /// <summary>
    /// Everything <paramref name="verb"/> needs, composed once: the options (bound from the
    /// <c>FaceSorter</c> section, validated at start), the store, and by verb the pipeline, the face
    /// mode's services (from the mode's own folder), the review watcher and follow-ups, the
    /// notifier (<c>run</c>, with or without the web page), or doctor and the mode's checks.
    /// <paramref name="configuration"/> is read here only for what decides the composition
    /// (<c>Immich:Mode</c>, <c>Immich:AssignApprovals</c>, <c>Immich:DatabaseConnectionString</c>);
    /// services read the bound options. A value that cannot be converted throws the binder's
    /// <see cref="InvalidOperationException"/>, as resolving the options would.
    /// </summary>
    public static IServiceCollection AddFaceSorter(this IServiceCollection services, IConfiguration configuration, ConfigLocation location, FaceSorterVerb verb)
    {
        services.AddFaceSorterOptions(location).AddFaceSorterStore();
        var immich = configuration.GetSection(ImmichOptions.Section).Get<ImmichOptions>() ?? new ImmichOptions();
        if (verb is FaceSorterVerb.Run or FaceSorterVerb.Scan)
        {
            services.AddFaceSorterPipeline(verb == FaceSorterVerb.Scan ? RunMode.Scan : RunMode.Daemon);
        }

        // One arm per face mode; the mode's folder registers its services and tells doctor its parts.
        var parts = immich.Mode switch
        {
            ImmichMode.MachineLearning => services.AddMachineLearningMode(immich, verb),
            _ => services.AddUploadMode(immich, verb),
        };

        switch (verb)
        {
            case FaceSorterVerb.Doctor:
                services.AddFaceSorterDoctor(parts);
                break;
            case FaceSorterVerb.Query:
                services.AddFaceSorterReviewActions(); // review approve/reject: journalled moves without a pipeline
                break;
            case FaceSorterVerb.Run:
                services.AddFaceSorterReview().AddFaceSorterSecondLook();
                if (immich.AssignApprovals)
                {
                    services.AddApprovalAssignment();
                }

                services.AddFaceSorterNotifications();
                break;
        }

        return services;
    }

    /// <summary>Options bound from the <c>FaceSorter</c> section, validated at start, paths resolved against the config file.</summary>
    public static IServiceCollection AddFaceSorterOptions(this IServiceCollection services, ConfigLocation location)
    {
        services.AddSingleton(location);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IPostConfigureOptions<DirectoriesOptions>, ResolvePaths>();
        services.AddSingleton<IPostConfigureOptions<DatabaseOptions>, ResolvePaths>();
        services.AddSingleton<IPostConfigureOptions<ImmichOptions>, SecretFiles>();
        services.AddSingleton<IPostConfigureOptions<WebOptions>, SecretFiles>();
        // Spelled out per type: the configuration binding source generator does not see generic calls.
        services.AddOptions<DirectoriesOptions>().BindConfiguration(DirectoriesOptions.Section).ValidateOnStart();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        services.AddOptions<SortingOptions>().BindConfiguration(SortingOptions.Section).ValidateOnStart();
        services.AddOptions<ReviewOptions>().BindConfiguration(ReviewOptions.Section).ValidateOnStart();
        services.AddOptions<ImmichOptions>().BindConfiguration(ImmichOptions.Section).ValidateOnStart();
        services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DirectoriesOptions>, DirectoriesOptionsValidator>();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        services.AddSingleton<IValidateOptions<SortingOptions>, SortingOptionsValidator>();
        services.AddSingleton<IValidateOptions<ReviewOptions>, ReviewOptionsValidator>();
        services.AddSingleton<IValidateOptions<ImmichOptions>, ImmichOptionsValidator>();
        services.AddSingleton<IValidateOptions<WebOptions>, WebOptionsValidator>();
        return services;
    }

    /// <summary>The store chosen by <c>Database:Provider</c>.</summary>
    public static IServiceCollection AddFaceSorterStore(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => new StoreDataSource(BuildStoreDataSource(provider)));
        services.TryAddSingleton<StoreLocation>();
        services.TryAddSingleton<FaceSorterStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var clock = provider.GetRequiredService<TimeProvider>();
            // Paths under the configured folders are stored relative to them (docs/contracts.md, "Stored paths").
            var paths = StorePaths.For(provider.GetRequiredService<IOptions<DirectoriesOptions>>().Value);
            return options.Provider switch
            {
                DatabaseProvider.Sqlite => FaceSorterStore.ForSqlite(options.ConnectionString, clock, paths),
                DatabaseProvider.Postgres => PostgresStore(provider, clock, paths),
                _ => throw new NotSupportedException($"{DatabaseOptions.Section}:Provider = {options.Provider} is not available in this build"),
            };
        });
        return services.AddFaceSorterStoreRoles();
    }

    // Npgsql's types appear only in code that runs for the Postgres store: a daemon on SQLite never loads it.
    private static FaceSorterStore PostgresStore(IServiceProvider provider, TimeProvider clock, StorePaths paths) =>
        FaceSorterStore.ForPostgres(provider.GetRequiredService<StoreDataSource>().DataSource, clock, paths);

    private static NpgsqlDataSource BuildStoreDataSource(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        if (provider.GetService<ILoggerFactory>() is { } loggerFactory)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        return builder.Build();
    }

    /// <summary>
    /// The registered <see cref="FaceSorterStore"/> under each of its roles: one instance for all, so
    /// consumers take only the roles they use.
    /// </summary>
    public static IServiceCollection AddFaceSorterStoreRoles(this IServiceCollection services)
    {
        services.TryAddSingleton<IStoreSchema>(Store);
        services.TryAddSingleton<IContentClaims>(Store);
        services.TryAddSingleton<IMoveJournal>(Store);
        services.TryAddSingleton<IHeldFiles>(Store);
        services.TryAddSingleton<IReviewQueue>(Store);
        services.TryAddSingleton<IDownloadRecords>(Store);
        services.TryAddSingleton<ILearnedFaces>(Store);
        services.TryAddSingleton<IApprovalAssignments>(Store);
        services.TryAddSingleton<ISortStatistics>(Store);
        services.TryAddSingleton<IStoredSettings>(Store);
        services.TryAddSingleton<IFingerprints>(Store);
        return services;

        static FaceSorterStore Store(IServiceProvider provider) => provider.GetRequiredService<FaceSorterStore>();
    }

    /// <summary>The drop-folder watcher and the sorting pipeline (the face service is added by its mode).</summary>
    public static IServiceCollection AddFaceSorterPipeline(this IServiceCollection services, RunMode mode)
    {
        services.AddSingleton(mode);
        services.TryAddSingleton<Hasher>();
        services.AddSingleton<DuplicateChecker>();
        services.AddSingleton<Fingerprinter>();
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<ImmichOptions>>().Value is { Mode: ImmichMode.MachineLearning } immich
            ? new PictureDecoder(immich.PreviewSize) // one decode for the fingerprint, the ML preview and the review thumbnail
            : new PictureDecoder(previewSize: null));
        services.TryAddSingleton<ReviewThumbnails>();
        services.AddSingleton<FingerprintIndex>();
        services.AddSingleton<ClaimOrder>();
        services.AddSingleton<NearDuplicateChecker>();
        services.TryAddSingleton<FingerprintRequests>();
        services.AddSingleton<FingerprintBackfill>();
        services.AddSingleton<ImmichOutage>();
        services.AddSingleton<FaceChecker>();
        services.AddSingleton<OwnMoves>();
        services.AddSingleton<FileMover>();
        services.AddSingleton<JournalRecovery>();
        services.AddSingleton<SortingSettings>();
        services.AddSingleton<InboxLedger>();
        services.AddSingleton<RunSummary>();
        services.AddSingleton<OpenWriterProbe>();
        services.TryAddSingleton(_ => WriterVisibility.Detect());
        services.AddSingleton<WriteActivity>();
        services.AddSingleton<ReturnedReviewFiles>();
        services.AddSingleton<SpaceRetry>();
        services.AddSingleton<DestinationRetry>();
        services.AddSingleton<HashStage>();
        services.AddSingleton<FaceCheckStage>();
        services.AddSingleton<MoveStage>();
        services.AddSingleton<SortingPipeline>();
        services.AddSingleton<LateWrites>();
        services.AddSingleton<SidecarRouter>();
        services.AddSingleton<DropFolderMonitor>();

        // Start order matters: folders, store and recovery first; the monitor last, so it stops
        // first and the pipeline drains after it (hosted services stop in reverse order).
        services.AddHostedService<LibvipsLogging>(); // first: libvips' messages reach the log before anything decodes
        services.AddHostedService<DecoderMemory>(); // and libvips' cache is off before anything decodes
        services.AddHostedService<StartupTasks>();
        services.AddHostedService(provider => provider.GetRequiredService<FingerprintBackfill>());
        services.AddHostedService(provider => provider.GetRequiredService<SortingPipeline>());
        services.AddHostedService(provider => provider.GetRequiredService<DropFolderMonitor>());
        return services;
    }
}
