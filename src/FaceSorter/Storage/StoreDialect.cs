namespace FaceSorter.Storage;

/// <summary>
/// What really differs between the databases <see cref="FaceSorterStore"/> runs on. Everything else,
/// every statement and every rule, is written once in the store (STYLE 18).
/// </summary>
internal abstract class StoreDialect
{
    /// <summary>The DDL, in order; the index + 1 is the schema version. Never edit a shipped entry: add one.</summary>
    public abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>
    /// Appended to a <c>SELECT</c> of rows the transaction is about to change, so a concurrent writer
    /// waits for it; empty where writers are serial anyway.
    /// </summary>
    public abstract string LockRows { get; }

    /// <summary>Appended to a text column to compare and sort it byte-wise (UTF-8), as paths are.</summary>
    public abstract string ByteOrder { get; }

    /// <summary>A condition on <c>learned_faces</c>: the row holds an embedding (an empty one means "nothing to learn").</summary>
    public abstract string HasEmbedding { get; }

    /// <summary>Makes what must exist before the first connection opens.</summary>
    public virtual void PrepareDatabase()
    {
    }

    /// <summary>Sets what the database keeps per connection, on every connection opened.</summary>
    public virtual Task PrepareConnectionAsync(DbSession session, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Begins the migration transaction, holding what keeps two daemons from migrating at once.</summary>
    public abstract Task BeginMigrationAsync(DbSession session, CancellationToken cancellationToken);

    /// <summary>The parameter value that stores <paramref name="embedding"/>.</summary>
    public abstract object EncodeEmbedding(float[] embedding);

    /// <summary>An embedding read back from its column.</summary>
    public abstract float[] DecodeEmbedding(object value);
}
