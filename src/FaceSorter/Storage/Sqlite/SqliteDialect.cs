using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FaceSorter.Storage.Sqlite;

/// <summary>
/// The embedded default store's differences. WAL mode (persisted in the file); <c>synchronous=NORMAL</c>,
/// a busy timeout and foreign keys are set on each new connection because they are per connection
/// (docs/linux-facts.md, "SQLite settings"), once: a pooled connection keeps its database handle, and with
/// it these settings (issue 13: setting them on every open cost a statement per claim in a burst).
/// Transactions begin <c>IMMEDIATE</c> (Microsoft.Data.Sqlite's default), so writers are serial and
/// need no row locks. NORMAL survives a process crash (kill -9) with every commit; after a power loss
/// the last commits may roll back, which the start-up journal recovery tolerates.
/// </summary>
internal sealed class SqliteDialect(string databasePath) : StoreDialect
{
    public override IReadOnlyList<string> Migrations => SqliteSchema.Migrations;

    public override string LockRows => "";

    public override string ByteOrder => ""; // BINARY, SQLite's default collation

    public override string HasEmbedding => "length(embedding) > 0";

    public override void PrepareDatabase()
    {
        if (databasePath is { Length: > 0 } and not ":memory:" && Path.GetDirectoryName(Path.GetFullPath(databasePath)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }
    }

    // The database handles already prepared; a handle closed for good drops out with it.
    private readonly ConditionalWeakTable<sqlite3, object> _prepared = [];

    public override async Task PrepareConnectionAsync(DbSession session, CancellationToken cancellationToken)
    {
        var handle = ((SqliteConnection)session.Connection).Handle;
        if (handle is not null && _prepared.TryGetValue(handle, out _))
        {
            return;
        }

        await session.ExecuteAsync("PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;", cancellationToken);
        if (handle is not null)
        {
            _prepared.AddOrUpdate(handle, handle);
        }
    }

    public override async Task BeginMigrationAsync(DbSession session, CancellationToken cancellationToken)
    {
        await session.ExecuteAsync("PRAGMA journal_mode=WAL;", cancellationToken); // not allowed inside a transaction
        await session.BeginAsync(cancellationToken);
    }

    /// <summary>A BLOB of the floats in machine order (little-endian here).</summary>
    public override object EncodeEmbedding(float[] embedding) => MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray();

    public override float[] DecodeEmbedding(object value) => MemoryMarshal.Cast<byte, float>((byte[])value).ToArray();
}
