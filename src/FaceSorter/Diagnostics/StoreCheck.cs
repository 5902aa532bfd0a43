using System.Globalization;
using FaceSorter.Options;
using FaceSorter.Storage;
using FaceSorter.Storage.Postgres;
using FaceSorter.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FaceSorter.Diagnostics;

/// <summary>
/// FaceSorter's own database, probed without changing it: a missing SQLite file is "created on first
/// run", a store at an older schema "will be migrated" (the daemon does that at start), a newer one
/// is a failure. SQLite is opened with <c>Mode=ReadOnly</c> and only when the file exists; writability
/// is asked with <c>access(W_OK)</c>. The stats line is read only from a store at the current schema.
/// </summary>
public sealed class StoreCheck(ISortStatistics store, DatabaseOptions options, TimeProvider clock)
{
    private const string Name = "Store";
    private const string Key = DatabaseOptions.Section + ":ConnectionString";

    public async Task<DoctorCheck> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            return options.Provider == DatabaseProvider.Sqlite ? await SqliteAsync(cancellationToken) : await PostgresAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && DiskFull.Is(exception) && SqliteFolder() is { } folder
            && FolderChecks.SpaceProblem(Name, folder, $"or point {Key} at a disk with room") is { } full)
        {
            return full; // "disk I/O error" from a full disk is the disk's, not the connection string's
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return DoctorCheck.Failed(Name, $"{options.Provider}: {exception.Message}", $"check {Key} (and that its folder or server is reachable and writable)");
        }
    }

    private string? SqliteFolder()
    {
        var source = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
        return options.Provider != DatabaseProvider.Sqlite || string.IsNullOrEmpty(source) || source == ":memory:"
            ? null
            : FolderChecks.FirstExisting(Path.GetDirectoryName(Path.GetFullPath(source))!);
    }

    private async Task<DoctorCheck> SqliteAsync(CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        if (string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:")
        {
            return DoctorCheck.Ok(Name, "Sqlite in memory: nothing is kept between runs");
        }

        var path = Path.GetFullPath(builder.DataSource);
        if (FolderChecks.FirstExisting(Path.GetDirectoryName(path)!) is { } existing && Directory.Exists(existing)
            && FolderChecks.SpaceProblem(Name, existing, $"or point {Key} at a disk with room") is { Status: CheckStatus.Failed } full)
        {
            return full;
        }

        if (!File.Exists(path))
        {
            var folder = FolderChecks.FirstExisting(Path.GetDirectoryName(path)!);
            if (folder is null || !Directory.Exists(folder) || !WriteAccess.Check(folder, out var why))
            {
                return DoctorCheck.Failed(Name, $"Sqlite: {path} cannot be created ({folder ?? "no part of the path exists"} is not a writable folder)", $"point {Key} at a file in a folder the daemon's user may write");
            }

            return DoctorCheck.Ok(Name, $"Sqlite: {path} does not exist yet; it is created on first run");
        }

        foreach (var target in new[] { path, Path.GetDirectoryName(path)! })
        {
            if (!WriteAccess.Check(target, out var why))
            {
                return DoctorCheck.Failed(Name, $"Sqlite: {target} is not writable ({why})", $"give the daemon's user write access to {target} (SQLite writes its -wal and -shm files beside the database), or change {Key}");
            }
        }

        builder.Mode = SqliteOpenMode.ReadOnly;
        builder.Pooling = false;
        int version;
        await using (var connection = new SqliteConnection(builder.ToString()))
        {
            await connection.OpenAsync(cancellationToken);
            version = await ReadVersionAsync(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version';", cancellationToken);
        }

        try
        {
            return await CompareAsync($"Sqlite {path}", version, SqliteSchema.Migrations.Count, cancellationToken);
        }
        finally
        {
            // Pooled connections would keep the -wal and -shm files after doctor exits.
            SqliteConnection.ClearAllPools();
        }
    }

    private async Task<DoctorCheck> PostgresAsync(CancellationToken cancellationToken)
    {
        int version;
        await using (var connection = new NpgsqlConnection(options.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            version = await ReadVersionAsync(connection, "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = 'schema_version' AND schemaname = current_schema();", cancellationToken);
        }

        return await CompareAsync("Postgres", version, PostgresSchema.Migrations.Count, cancellationToken);
    }

    /// <summary>The highest applied migration, 0 for a database FaceSorter has not written to yet.</summary>
    private static async Task<int> ReadVersionAsync(System.Data.Common.DbConnection connection, string hasTable, CancellationToken cancellationToken)
    {
        await using var probe = connection.CreateCommand();
        probe.CommandText = hasTable;
        if (Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
        {
            return 0;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private async Task<DoctorCheck> CompareAsync(string where, int version, int latest, CancellationToken cancellationToken)
    {
        if (version == 0)
        {
            return DoctorCheck.Ok(Name, $"{where} has no FaceSorter tables yet; they are created on first run");
        }

        if (version < latest)
        {
            return DoctorCheck.Ok(Name, $"{where} is at schema version {version}; it will be migrated to {latest} when the daemon starts");
        }

        if (version > latest)
        {
            return DoctorCheck.Failed(Name, $"{where} is at schema version {version}, newer than this FaceSorter knows ({latest})", "run the newer FaceSorter that wrote it, or point the config at another database");
        }

        var stats = await store.GetStatsAsync(7, clock.GetUtcNow(), cancellationToken);
        return DoctorCheck.Ok(Name, $"{where}, schema version {version}: {Plural.Of(stats.AutoSorted, "file")} sorted in the last 7 days, {stats.InReview} waiting for review");
    }
}
