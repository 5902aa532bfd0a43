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
    /// <paramref name="previous"/> itself is returned, after one cheap query.
    /// </summary>
    /// <exception cref="UnsupportedImmichSchemaException">The database has a layout this program does not know.</exception>
    public async Task<GallerySnapshot> LoadAsync(GallerySnapshot? previous, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var schema = await ImmichSchema.DetectAsync(_dataSource, cancellationToken);
        if (schema != _lastSchema)
        {
            _logger.SchemaDetected(schema.Layout, schema.Describe());
            _lastSchema = schema;
        }

        if (previous?.Fingerprint is { } known)
        {
            await using var command = _dataSource.CreateCommand(schema.FingerprintSql);
            if (Fingerprint(schema, (string)(await command.ExecuteScalarAsync(cancellationToken))!) == known)
            {
                _logger.GalleryUnchanged(previous.Count, _timeProvider.GetElapsedTime(started));
                return previous;
            }
        }

        // Fingerprint, count and rows in one snapshot of the database, so the count is exact and the
        // big arrays are allocated once (a growing array would need twice the memory while copied).
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var sql = schema.GallerySql;
        string fingerprint;
        await using (var fingerprintCommand = new NpgsqlCommand(schema.FingerprintSql, connection, transaction))
        {
            fingerprint = Fingerprint(schema, (string)(await fingerprintCommand.ExecuteScalarAsync(cancellationToken))!);
        }

        int count;
        await using (var countCommand = new NpgsqlCommand($"SELECT count(*)::int FROM ({sql}) AS faces", connection, transaction))
        {
            count = (int)(await countCommand.ExecuteScalarAsync(cancellationToken))!;
        }

        var learned = _store is null ? [] : await _store.ListLearnedFacesAsync(cancellationToken);
        var builder = new GalleryBuilder(count + learned.Count, _timeProvider, _spillFolder);

        // Binary COPY: no text to parse, and each row goes straight into the builder's arrays.
        await using (var copy = await connection.BeginRawBinaryCopyAsync($"COPY ({sql}) TO STDOUT (FORMAT BINARY)", cancellationToken))
        {
            await new GalleryCopyReader(copy).ReadAsync(builder, cancellationToken);
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

        var snapshot = builder.Build(fingerprint);
        _logger.GalleryLoaded(snapshot.People.Count, snapshot.Count, learned.Count, _timeProvider.GetElapsedTime(started));
        return snapshot;
    }

    private static string Fingerprint(ImmichSchema schema, string tables) => schema.Describe() + " " + tables;

    /// <summary>The person id of a learned face whose person Immich does not know (yet).</summary>
    public const string LearnedPersonId = "learned";

    /// <summary>A stable id for a learned face: the first 128 bits of its content's SHA-256.</summary>
    private static Guid LearnedFaceId(string fileHash) =>
        fileHash.Length >= 32 && Guid.TryParseExact(fileHash[..32], "N", out var id) ? id : Guid.Empty;
}
