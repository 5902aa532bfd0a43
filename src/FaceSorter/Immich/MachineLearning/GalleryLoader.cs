using System.Data;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using FaceSorter.Options;
using FaceSorter.Storage;
using Npgsql;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// Reads the named faces from Immich's database into a new <see cref="GallerySnapshot"/>. The layout
/// is detected on every load, so an Immich upgrade while the daemon runs (say v3.1 → v3.2) is followed.
/// The faces learned from the user's approvals (FaceSorter's own store) are added as references of
/// their person, next to Immich's.
/// </summary>
public sealed class GalleryLoader
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<GalleryLoader> _logger;
    private readonly ILearnedFaces? _store;
    private readonly string? _spillFolder;
    private ImmichSchema? _lastSchema;

    public GalleryLoader(
        [FromKeyedServices(MachineLearningServiceCollectionExtensions.ImmichDatabaseKey)] NpgsqlDataSource dataSource,
        TimeProvider timeProvider,
        ILogger<GalleryLoader> logger,
        ILearnedFaces? store = null,
        StoreLocation? location = null)
    {
        _store = store;
        _dataSource = dataSource;
        _timeProvider = timeProvider;
        _logger = logger;
        _spillFolder = location?.DataFolder;
    }

    /// <summary>Reads the whole gallery.</summary>
    /// <exception cref="UnsupportedImmichSchemaException">The database has a layout this program does not know.</exception>
    public Task<GallerySnapshot> LoadAsync(CancellationToken cancellationToken) => LoadAsync(null, cancellationToken);

    /// <summary>
    /// Reads the gallery again unless Immich's faces are unchanged since <paramref name="previous"/>
    /// was read (same layout and <see cref="ImmichSchema.FingerprintSql"/>): then
    /// <paramref name="previous"/> itself is returned, after one cheap query. Otherwise, when
    /// <paramref name="previous"/> came from the same database, only the list of faces is read
    /// (<see cref="ImmichSchema.GalleryKeysSql"/>, no embeddings) and just the embeddings that are new
    /// or rewritten since; the rest is copied from <paramref name="previous"/> (docs/matching.md,
    /// "Gallery refresh"). Either way the result is exactly what a full read would give.
    /// </summary>
    /// <exception cref="UnsupportedImmichSchemaException">The database has a layout this program does not know.</exception>
    public Task<GallerySnapshot> LoadAsync(GallerySnapshot? previous, CancellationToken cancellationToken) =>
        LoadAsync(previous, keepIfUnchanged: true, cancellationToken);

    /// <summary>
    /// As <see cref="LoadAsync(GallerySnapshot?, CancellationToken)"/>; with
    /// <paramref name="keepIfUnchanged"/> false a new snapshot is always built (e.g. to take in a face
    /// learned into FaceSorter's own store), still reading only the embeddings that changed.
    /// </summary>
    internal async Task<GallerySnapshot> LoadAsync(GallerySnapshot? previous, bool keepIfUnchanged, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var schema = await ImmichSchema.DetectAsync(_dataSource, cancellationToken);
        if (schema != _lastSchema)
        {
            _logger.SchemaDetected(schema.Layout, schema.Describe());
            _lastSchema = schema;
        }

        if (keepIfUnchanged && previous?.Fingerprint is { } known)
        {
            await using var command = _dataSource.CreateCommand(schema.FingerprintSql);
            if (Fingerprint(schema, (string)(await command.ExecuteScalarAsync(cancellationToken))!) == known)
            {
                _logger.GalleryUnchanged(previous.Count, _timeProvider.GetElapsedTime(started));
                return previous;
            }
        }

        // Fingerprint, source, list and rows in one snapshot of the database, so they agree and the
        // big arrays are allocated once (a growing array would need twice the memory while copied).
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        string fingerprint;
        await using (var fingerprintCommand = new NpgsqlCommand(schema.FingerprintSql, connection, transaction))
        {
            fingerprint = Fingerprint(schema, (string)(await fingerprintCommand.ExecuteScalarAsync(cancellationToken))!);
        }

        string source;
        long horizon;
        await using (var sourceCommand = new NpgsqlCommand(ImmichSchema.SourceSql, connection, transaction))
        await using (var reader = await sourceCommand.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            source = schema.Describe() + " " + reader.GetString(0);
            horizon = reader.GetInt64(1);
        }

        var learned = _store is null ? [] : await _store.ListLearnedFacesAsync(cancellationToken);
        GalleryBuilder builder;
        var doubt = previous is null ? null : WhyNotReuse(previous, source, horizon);
        if (previous is not null && doubt is null)
        {
            builder = await ReadChangedAsync(connection, transaction, schema, previous, learned.Count, started, cancellationToken);
        }
        else
        {
            if (previous is not null)
            {
                _logger.GalleryReadWhole(doubt!);
            }

            builder = await ReadWholeAsync(connection, transaction, schema, learned.Count, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var face in learned)
        {
            builder.Add(LearnedPersonId, face.PersonName, LearnedFaceId(face.FileHash), face.Embedding);
        }

        if (builder.SkippedForName > 0)
        {
            _logger.GalleryFacesSkipped(builder.SkippedForName, "the person's name has no letters or digits to make a folder of");
        }

        if (builder.SkippedForVector > 0)
        {
            _logger.GalleryFacesSkipped(builder.SkippedForVector, "empty, zero or differently sized embedding");
        }

        var snapshot = builder.Build(fingerprint, source, horizon);
        _logger.GalleryLoaded(snapshot.People.Count, snapshot.Count, learned.Count, _timeProvider.GetElapsedTime(started));
        return snapshot;
    }

    /// <summary>
    /// Null when rows of <paramref name="previous"/> may be reused for a database now at
    /// <paramref name="source"/> and <paramref name="horizon"/>; otherwise why not. Reuse compares
    /// each face's 32-bit <c>xmin</c>, which is only unambiguous while fewer than 2^31 transactions
    /// have passed (PostgreSQL 17 docs, "Preventing Transaction ID Wraparound Failures").
    /// </summary>
    internal static string? WhyNotReuse(GallerySnapshot previous, string source, long horizon) =>
        previous.Source is null || previous.RowVersion.Length == 0 ? "the earlier gallery has no row versions"
        : previous.Source != source ? $"it was read from another database or layout ({previous.Source}; now {source})"
        : horizon < previous.Horizon ? "the database's transaction ids went back (restored from a backup?)"
        : horizon - previous.Horizon >= MaxReuseTransactions ? "more than 2^31 transactions have passed since it was read"
        : null;

    /// <summary>Transactions after which a row version is no longer trusted: half the 32-bit xid space.</summary>
    internal const long MaxReuseTransactions = 1L << 31;

    /// <summary>
    /// Planner settings for this transaction only (<c>SET LOCAL</c>) that let a whole read use parallel
    /// workers even though the planner thinks the rows cheap to produce; <c>max_parallel_workers_per_gather</c>
    /// is the server's, so an administrator's limit stands (PostgreSQL 17 docs, "Planner Cost Constants").
    /// </summary>
    internal const string ParallelReadSql = "SET LOCAL parallel_setup_cost = 0; SET LOCAL parallel_tuple_cost = 0; SET LOCAL min_parallel_table_scan_size = 0";

    private async Task<GalleryBuilder> ReadWholeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ImmichSchema schema, int learned, CancellationToken cancellationToken)
    {
        var sql = schema.GallerySql;
        int count;
        await using (var countCommand = new NpgsqlCommand($"SELECT count(*)::int FROM ({schema.GalleryKeysSql}) AS faces", connection, transaction))
        {
            count = (int)(await countCommand.ExecuteScalarAsync(cancellationToken))!;
        }

        var builder = new GalleryBuilder(count + learned, _timeProvider, _spillFolder);

        // Binary COPY: no text to parse, and each row goes straight into the builder's arrays. Sending
        // 512 floats is most of PostgreSQL's work (array_send calls float4send once per element), so
        // the embedding is sent by array_send in the query and the plan is allowed to run that in
        // parallel workers: the planner prices the call at almost nothing and would not (docs/matching.md,
        // "Gallery load").
        await using (var parallel = new NpgsqlCommand(ParallelReadSql, connection, transaction))
        {
            await parallel.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var copy = await connection.BeginRawBinaryCopyAsync($"COPY ({sql}) TO STDOUT (FORMAT BINARY)", cancellationToken);
        await new GalleryCopyReader(copy).ReadAsync(builder, cancellationToken);
        return builder;
    }

    /// <summary>The list of faces, then only the embeddings that are not in <paramref name="previous"/> as they are now.</summary>
    private async Task<GalleryBuilder> ReadChangedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ImmichSchema schema, GallerySnapshot previous, int learned, long started, CancellationToken cancellationToken)
    {
        List<GalleryKey> keys;
        await using (var copy = await connection.BeginRawBinaryCopyAsync($"COPY ({schema.GalleryKeysSql}) TO STDOUT (FORMAT BINARY)", cancellationToken))
        {
            keys = await new GalleryCopyReader(copy).ReadKeysAsync(cancellationToken);
        }

        var rowOf = new Dictionary<Guid, int>(previous.Count);
        for (var row = 0; row < previous.Count; row++)
        {
            if (previous.RowVersion[row] != 0)
            {
                rowOf.TryAdd(previous.RowFace[row], row);
            }
        }

        var wanted = new List<Guid>();
        var kept = 0;
        foreach (var key in keys)
        {
            if (!rowOf.TryGetValue(key.FaceId, out var row))
            {
                wanted.Add(key.FaceId);
            }
            else
            {
                kept++;
                if (previous.RowVersion[row] != key.Version)
                {
                    wanted.Add(key.FaceId);
                }
            }
        }

        if (wanted.Count > 1_000 && wanted.Count > keys.Count / 2)
        {
            // Most of many embeddings changed: one COPY of them all is quicker than asking for each by id.
            _logger.GalleryReadWhole($"{wanted.Count} of {keys.Count} embeddings are new or rewritten");
            return await ReadWholeAsync(connection, transaction, schema, learned, cancellationToken);
        }

        var read = new Dictionary<Guid, (uint Version, float[] Embedding)>(wanted.Count);
        if (wanted.Count > 0)
        {
            await using var command = new NpgsqlCommand(ImmichSchema.EmbeddingsByIdSql, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter { Value = wanted.ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                read[reader.GetGuid(0)] = (unchecked((uint)reader.GetInt64(1)), await reader.IsDBNullAsync(2, cancellationToken) ? [] : await reader.GetFieldValueAsync<float[]>(2, cancellationToken));
            }
        }

        var builder = new GalleryBuilder(keys.Count + learned, _timeProvider, _spillFolder);
        foreach (var key in keys)
        {
            if (read.TryGetValue(key.FaceId, out var fresh))
            {
                builder.Add(key.PersonId, key.Name, key.FaceId, fresh.Embedding, fresh.Version);
            }
            else if (rowOf.TryGetValue(key.FaceId, out var row))
            {
                builder.AddCopy(previous, row, key.PersonId, key.Name, key.Version);
            }
        }

        _logger.GalleryChangesRead(keys.Count, wanted.Count, rowOf.Count - kept, _timeProvider.GetElapsedTime(started));
        return builder;
    }

    /// <summary>Where the copy of the gallery is kept between runs (<see cref="GalleryCopyFile"/>); null without a data folder.</summary>
    public string? CopyPath => _spillFolder is null ? null : Path.Combine(_spillFolder, GalleryCopyFile.FileName);

    /// <summary>
    /// The gallery as the last run left it on disk, or null (none, unreadable, or written by another
    /// version). Never current by itself: give it to <see cref="LoadAsync(GallerySnapshot?, CancellationToken)"/>,
    /// which checks every face against the database before anything matches against it.
    /// </summary>
    internal GallerySnapshot? ReadCopy()
    {
        if (CopyPath is not { } path || !File.Exists(path))
        {
            return null;
        }

        var started = _timeProvider.GetTimestamp();
        try
        {
            var copy = GalleryCopyFile.Read(path, _timeProvider, _spillFolder!);
            _logger.GalleryCopyRead(copy.Count, path, _timeProvider.GetElapsedTime(started));
            return copy;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or OutOfMemoryException)
        {
            _logger.GalleryCopyNotUsed(path, ex.Message);
            return null;
        }
    }

    /// <summary>Replaces the copy on disk with <paramref name="snapshot"/>; a failure is logged, never thrown.</summary>
    internal void WriteCopy(GallerySnapshot snapshot)
    {
        if (CopyPath is not { } path || snapshot.Source is null || snapshot.Dimensions == 0)
        {
            return;
        }

        var started = _timeProvider.GetTimestamp();
        try
        {
            GalleryCopyFile.Write(snapshot, path);
            _logger.GalleryCopyWritten(snapshot.Count, path, _timeProvider.GetElapsedTime(started));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.GalleryCopyNotWritten(ex, path);
        }
    }

    private static string Fingerprint(ImmichSchema schema, string tables) => schema.Describe() + " " + tables;

    /// <summary>The person id of a learned face whose person Immich does not know (yet).</summary>
    public const string LearnedPersonId = "learned";

    /// <summary>A stable id for a learned face: the first 128 bits of its content's SHA-256.</summary>
    private static Guid LearnedFaceId(string fileHash) =>
        fileHash.Length >= 32 && Guid.TryParseExact(fileHash[..32], "N", out var id) ? id : Guid.Empty;
}
