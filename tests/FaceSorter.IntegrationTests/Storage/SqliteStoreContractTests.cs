using System.Data.Common;
using FaceSorter.Storage;
using Microsoft.Data.Sqlite;

namespace FaceSorter.IntegrationTests.Storage;

/// <summary>The store contract on a real SQLite file in a temp directory of each test's own.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("facesorter-store-").FullName;

    private string DatabasePath => Path.Combine(_directory, "facesorter.db");

    protected override FaceSorterStore OpenStore(TimeProvider clock, StorePaths paths) => FaceSorterStore.ForSqlite($"Data Source={DatabasePath}", clock, paths);

    protected override DbConnection OpenRawConnection() => new SqliteConnection($"Data Source={DatabasePath};Pooling=False");

    protected override Task DropDatabaseAsync()
    {
        // The stores' pooled connections may still hold the file open; on Linux it can go anyway.
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
