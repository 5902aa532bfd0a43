using System.Collections.Concurrent;
using FaceSorter.Storage;
using Npgsql;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// Stores on one fresh schema of the test PostgreSQL server for a test class that runs on both stores:
/// <see cref="CreateSchemaAsync"/> before the first <see cref="Open"/>; the data sources opened are
/// disposed with it.
/// </summary>
public sealed class PostgresStores(PostgresTestDatabase database) : IAsyncDisposable
{
    private readonly ConcurrentBag<NpgsqlDataSource> _dataSources = [];
    private string _connectionString = "";

    public async Task CreateSchemaAsync(CancellationToken cancellationToken) => _connectionString = await database.CreateSchemaAsync(cancellationToken);

    public FaceSorterStore Open(StorePaths paths)
    {
        var dataSource = NpgsqlDataSource.Create(_connectionString);
        _dataSources.Add(dataSource);
        return FaceSorterStore.ForPostgres(dataSource, TimeProvider.System, paths);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }
}
