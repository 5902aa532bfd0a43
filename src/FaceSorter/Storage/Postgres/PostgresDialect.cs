namespace FaceSorter.Storage.Postgres;

/// <summary>
/// The shared store's differences: several daemons may use one database at once, so rows read to be
/// changed are locked (<c>FOR UPDATE</c>) and migrations hold <c>pg_advisory_xact_lock</c>. Paths compare
/// in the "C" collation, byte-wise as in SQLite, whatever the database's locale.
/// </summary>
internal sealed class PostgresDialect : StoreDialect
{
    public override IReadOnlyList<string> Migrations => PostgresSchema.Migrations;

    public override string LockRows => " FOR UPDATE";

    public override string ByteOrder => """ COLLATE "C" """;

    public override string HasEmbedding => "cardinality(embedding) > 0";

    public override async Task BeginMigrationAsync(DbSession session, CancellationToken cancellationToken)
    {
        await session.BeginAsync(cancellationToken);
        // Held until commit or rollback: a second daemon starting now waits here, then finds the
        // schema at the current version and applies nothing.
        await session.ExecuteAsync("SELECT pg_advisory_xact_lock(@key);", cancellationToken, Arg.Long("key", PostgresSchema.MigrationLockKey));
    }

    /// <summary>A <c>real[]</c>: Npgsql writes a <c>float[]</c> as one.</summary>
    public override object EncodeEmbedding(float[] embedding) => embedding;

    public override float[] DecodeEmbedding(object value) => (float[])value;
}
