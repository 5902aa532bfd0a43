using FaceSorter.IntegrationTests.Support;
using FaceSorter.Options;
using FaceSorter.Storage;
using FaceSorter.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FaceSorter.IntegrationTests.Storage;

/// <summary><c>AddFaceSorterStore</c> with <c>Database:Provider = Postgres</c>, against the test server.</summary>
public sealed class PostgresStoreRegistrationTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    [Fact]
    public async Task The_postgres_provider_writes_to_its_own_database_never_to_immichs()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var token = timeout.Token;
        var faceSorterDatabase = await database.CreateSchemaAsync(token);
        var immichDatabase = await database.CreateSchemaAsync(token);
        // What the MachineLearning face service registers for Immich's own PostgreSQL.
        await using var immichDataSource = NpgsqlDataSource.Create(immichDatabase);
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(immichDataSource);
        services.AddOptions<DatabaseOptions>().Configure(options =>
        {
            options.Provider = DatabaseProvider.Postgres;
            options.ConnectionString = faceSorterDatabase;
        });
        services.AddFaceSorterStore();
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IStoreSchema>();
        await store.MigrateAsync(token);

        store.Should().BeOfType<FaceSorterStore>().And.BeSameAs(provider.GetRequiredService<FaceSorterStore>());
        provider.GetRequiredService<StoreDataSource>().DataSource
            .Should().BeSameAs(provider.GetRequiredService<StoreDataSource>().DataSource, "one pool for the process")
            .And.NotBeSameAs(immichDataSource);
        (await TablesAsync(faceSorterDatabase, token)).Should().Contain(["downloads", "review_queue", "schema_version"]);
        (await TablesAsync(immichDatabase, token)).Should().BeEmpty();
    }

    private static async Task<List<string>> TablesAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema();", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tables = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}
