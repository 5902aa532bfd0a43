using FaceSorter.Immich;
using FaceSorter.Immich.MachineLearning;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FaceSorter.IntegrationTests.MachineLearning;

/// <summary>Layouts that are refused, and a database that is not there.</summary>
public sealed class ImmichSchemaTests : IDisposable
{
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(30));

    private CancellationToken Token => _deadline.Token;

    public void Dispose() => _deadline.Dispose();

    [Fact]
    public async Task The_layout_before_v1_107_is_refused_naming_the_embedding_column()
    {
        await using var database = await PostgresImmichDatabase.CreateAsync(PostgresImmichDatabase.V1106, Token);

        var act = () => ImmichSchema.DetectAsync(database.DataSource, Token);

        (await act.Should().ThrowAsync<UnsupportedImmichSchemaException>())
            .WithMessage("*asset_faces.embedding*v1.107*Found: *asset_faces(*embedding*");
    }

    [Fact]
    public async Task A_database_without_Immich_s_tables_is_refused_saying_what_was_found()
    {
        await using var database = await PostgresDatabase.CreateAsync(Token);
        await database.ExecuteAsync("CREATE TABLE person (id uuid, name text)", Token);

        var act = () => ImmichSchema.DetectAsync(database.DataSource, Token);

        (await act.Should().ThrowAsync<UnsupportedImmichSchemaException>())
            .WithMessage("*no asset_face or asset_faces table*Found: person(id, name)*");
    }

    [Fact]
    public async Task A_layout_missing_a_column_it_needs_is_refused_naming_the_column()
    {
        await using var database = await PostgresImmichDatabase.CreateAsync(PostgresImmichDatabase.V31, Token);
        await database.ExecuteAsync("""ALTER TABLE person DROP COLUMN "isHidden" """, Token);

        var act = () => ImmichSchema.DetectAsync(database.DataSource, Token);

        (await act.Should().ThrowAsync<UnsupportedImmichSchemaException>()).WithMessage("*lacks person.isHidden*");
    }

    [Fact]
    public async Task A_database_that_cannot_be_reached_is_an_outage_not_a_verdict()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await PostgresServer.GetConnectionStringAsync(Token)) { Database = "no_such_database_" + Guid.NewGuid().ToString("N") }.ConnectionString;
        var services = new ServiceCollection()
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .Configure<ImmichOptions>(options => options.DatabaseConnectionString = connectionString)
            .AddImmichMachineLearning();
        await using var provider = services.BuildServiceProvider();
        var gallery = provider.GetRequiredService<Gallery>();

        var act = async () => await gallery.GetAsync(Token);

        await act.Should().ThrowAsync<FaceServiceUnavailableException>().WithMessage("*Immich's database cannot be read*");
        gallery.Current.Should().BeNull();
    }
}
