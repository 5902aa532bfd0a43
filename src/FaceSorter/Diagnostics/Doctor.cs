using FaceSorter.Immich;
using FaceSorter.Options;
using FaceSorter.Settling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FaceSorter.Diagnostics;

/// <summary>
/// <c>facesorter doctor</c>: every check that matters for the configured mode, in the order a user
/// would fix things (folders, store, running instance and web address, Immich server, ML service,
/// Immich's database). It changes nothing on disk: every probe is read-only. A part the mode
/// does not use (<see cref="FaceModeParts"/>, told by the mode's registration) is listed as
/// skipped with the mode's reason, so the user sees it was not forgotten.
/// </summary>
public sealed class Doctor(
    IOptions<DirectoriesOptions> directories,
    FaceModeParts parts,
    IOptions<DatabaseOptions> databaseOptions,
    IOptions<WebOptions> web,
    StoreCheck store,
    ImmichServerChecks server,
    MachineLearningChecks? machineLearning = null,
    ImmichDatabaseChecks? database = null,
    WriterVisibility? writers = null,
    IOptions<SortingOptions>? sorting = null,
    ConfigLocation? config = null,
    IConfiguration? configuration = null)
{
    public async Task<IReadOnlyList<DoctorCheck>> RunAsync(CancellationToken cancellationToken)
    {
        var checks = new List<DoctorCheck>(FolderChecks.Run(directories.Value));
        if (writers is not null)
        {
            checks.Add(WriterChecks.WriterCheck(writers, sorting?.Value ?? new SortingOptions()));
        }

        if (config is not null)
        {
            checks.Add(WriterChecks.Secrets(config));
        }

        if (configuration is not null && UnknownSettings.Find(configuration) is { Count: > 0 } unknown)
        {
            checks.Add(DoctorCheck.Warning(
                "Settings",
                $"not FaceSorter settings, ignored: {string.Join(", ", unknown.Select(setting => setting.Meant is null ? setting.Key : $"{setting.Key} (did you mean {setting.Meant}?)"))}",
                "correct or remove them (README, \"Configuration reference\")"));
        }

        checks.Add(await store.RunAsync(cancellationToken));
        checks.AddRange(await InstanceChecks.RunAsync(directories.Value, databaseOptions.Value, web.Value, cancellationToken));
        checks.AddRange(parts.ServerUnused is { } serverUnused
            ? [DoctorCheck.Skipped("Immich server", serverUnused)]
            : await server.RunAsync(cancellationToken));
        checks.AddRange(machineLearning is not null && parts.MachineLearningUnused is null
            ? await machineLearning.RunAsync(cancellationToken)
            : [DoctorCheck.Skipped("ML service", parts.MachineLearningUnused ?? "not registered")]);
        checks.AddRange(database is not null && parts.DatabaseUnused is null
            ? await database.RunAsync(cancellationToken)
            : [DoctorCheck.Skipped("Immich database", parts.DatabaseUnused ?? "not registered")]);
        return checks;
    }

    /// <summary>True when nothing blocks sorting.</summary>
    public static bool AllPassed(IEnumerable<DoctorCheck> checks) => checks.All(check => check.Status != CheckStatus.Failed);
}
