using Npgsql;

namespace FaceSorter.Storage.Postgres;

/// <summary>
/// FaceSorter's own PostgreSQL data source (<c>Database:ConnectionString</c>): one pool for the process
/// (STYLE 18), built only when the Postgres store is resolved and disposed with the container. Its own
/// type, so Immich's database (<c>Immich:DatabaseConnectionString</c>, another server and user) can
/// never be handed out in its place, and so registering it does not load Npgsql into a daemon on
/// SQLite (docs/operations.md, "Runtime settings").
/// </summary>
internal sealed class StoreDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable, IDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public void Dispose() => DataSource.Dispose();
}
