using System.Collections.Concurrent;
using System.Data.Common;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Storage;
using Npgsql;

namespace FaceSorter.IntegrationTests.Storage;

/// <summary>
/// The store contract on the test PostgreSQL server: a fresh database for the class, and in it a
/// fresh schema for each test. Each store gets its own <see cref="NpgsqlDataSource"/>, as each daemon
/// process has its own.
/// </summary>
public sealed class PostgresStoreContractTests(PostgresTestDatabase database) : StoreContractTests, IClassFixture<PostgresTestDatabase>
{
    private readonly ConcurrentBag<NpgsqlDataSource> _dataSources = [];
    private string _connectionString = "";

    protected override FaceSorterStore OpenStore(TimeProvider clock, StorePaths paths)
    {
        var dataSource = NpgsqlDataSource.Create(_connectionString);
        _dataSources.Add(dataSource);
        return FaceSorterStore.ForPostgres(dataSource, clock, paths);
    }

    protected override DbConnection OpenRawConnection() => new NpgsqlConnection(_connectionString);

    protected override async Task CreateDatabaseAsync(CancellationToken cancellationToken) =>
        _connectionString = await database.CreateSchemaAsync(cancellationToken);

    protected override async Task DropDatabaseAsync()
    {
        // The schema goes with the class's database (PostgresTestDatabase drops it).
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }
}
