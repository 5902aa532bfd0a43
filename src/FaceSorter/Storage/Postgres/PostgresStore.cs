using System.Globalization;
using FaceSorter.Decisions;
using Npgsql;
using NpgsqlTypes;

namespace FaceSorter.Storage.Postgres;

/// <summary>
/// The shared store: several daemons may use one database at once, so every decision that two of
/// them could race on is made by the database in one statement, never by read-then-write:
/// <list type="bullet">
/// <item>content ownership by the primary key of <c>contents</c> (<c>INSERT … ON CONFLICT DO NOTHING</c>);</item>
/// <item>completing a journalled move by <c>UPDATE … WHERE state = 'moving' RETURNING</c>, so a move is recorded once;</item>
/// <item>approving or rejecting by <c>UPDATE … WHERE action = 'pending' RETURNING</c>, so a decision is recorded once;</item>
/// <item>migrations inside one transaction holding <c>pg_advisory_xact_lock</c>.</item>
/// </list>
/// Behaviour mirrors <see cref="Sqlite.SqliteStore"/> (the contract test suite runs against both).
/// Connections come from the singleton <see cref="NpgsqlDataSource"/> registered under
/// <see cref="DataSourceKey"/> (STYLE 18), one per unit of work; timestamps are stored as ISO 8601 text
/// (see <see cref="PostgresSchema"/> for why).
/// </summary>
public sealed class PostgresStore : IFaceSorterStore
{
    /// <summary>
    /// The DI key of FaceSorter's own data source. Keyed so it can never be confused with Immich's
    /// database (<c>Immich:DatabaseConnectionString</c>), which is a different server and user.
    /// </summary>
    public const string DataSourceKey = "FaceSorter:Database";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;

    public PostgresStore(NpgsqlDataSource dataSource, TimeProvider clock)
    {
        _dataSource = dataSource;
        _clock = clock;
    }

    public int SchemaVersion => PostgresSchema.Migrations.Count;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Held until commit or rollback: a second daemon starting now waits here, then finds the
        // schema at the current version and applies nothing.
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key);", cancellationToken, BigInt("key", PostgresSchema.MigrationLockKey));
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version(version integer NOT NULL);", cancellationToken);
        var current = Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version;", cancellationToken), CultureInfo.InvariantCulture);
        for (var version = current + 1; version <= PostgresSchema.Migrations.Count; version++)
        {
            await ExecuteAsync(connection, transaction, PostgresSchema.Migrations[version - 1], cancellationToken);
            await ExecuteAsync(connection, transaction, "INSERT INTO schema_version(version) VALUES (@v);", cancellationToken, Integer("v", version));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<ContentClaim> ClaimContentAsync(string fileHash, string path, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        while (true)
        {
            // The primary key decides: a concurrent insert of the same hash makes this one wait for
            // the other transaction and then do nothing (or insert, if the other rolled back).
            var inserted = await ExecuteAsync(connection, null, """
                INSERT INTO contents(file_hash, first_path, state, claimed_at) VALUES (@hash, @path, 'claimed', @now)
                ON CONFLICT (file_hash) DO NOTHING;
                """, cancellationToken, Text("hash", fileHash), Text("path", path), Text("now", Now()));
            if (inserted == 1)
            {
                return new ContentClaim(true, null, null);
            }

            await using var command = Command(connection, null, "SELECT first_path, state FROM contents WHERE file_hash = @hash;", Text("hash", fileHash));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                var firstPath = reader.GetString(0);
                var state = reader.GetString(1);
                var sameFileAgain = state == ContentState.Claimed && string.Equals(firstPath, path, StringComparison.Ordinal);
                return new ContentClaim(sameFileAgain, sameFileAgain ? null : firstPath, sameFileAgain ? null : state);
            }

            // The owner released its claim between our insert and our read (SQLite cannot see
            // this, its transactions are serial): claim again.
        }
    }

    public async Task ReleaseClaimAsync(string fileHash, string path, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            DELETE FROM contents WHERE file_hash = @hash AND first_path = @path AND state = 'claimed'
              AND NOT EXISTS (SELECT 1 FROM move_journal WHERE state = 'moving' AND source_path = @path);
            """, cancellationToken,
            Text("hash", fileHash), Text("path", path));
    }

    public async Task WithdrawRecordAsync(string path, string? fileHash, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "DELETE FROM downloads WHERE file_path = @path;", cancellationToken, Text("path", path));
        await ExecuteAsync(connection, transaction, "DELETE FROM review_queue WHERE file_path = @path AND action = 'pending';", cancellationToken, Text("path", path));
        if (fileHash is not null)
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM contents WHERE file_hash = @hash AND first_path = @path;", cancellationToken, Text("hash", fileHash), Text("path", path));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<long>> BeginMovesAsync(IReadOnlyList<PlannedMove> moves, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = new List<long>(moves.Count);
        var now = Now();
        foreach (var move in moves)
        {
            ids.Add((long)(await ScalarAsync(connection, transaction, """
                INSERT INTO move_journal(source_path, destination_path, outcome, state, created_at)
                VALUES (@src, @dst, @outcome, 'moving', @now) RETURNING id;
                """, cancellationToken, Text("src", move.SourcePath), Text("dst", move.DestinationPath), Text("outcome", OutcomeJson.Serialize(move.Outcome)), Text("now", now)))!);
        }

        await transaction.CommitAsync(cancellationToken);
        return ids;
    }

    public async Task CompleteMovesAsync(IReadOnlyList<CompletedMove> moves, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = Now();
        // Rows are locked in id order, so two daemons completing overlapping batches wait for each
        // other instead of deadlocking.
        foreach (var move in moves.OrderBy(move => move.JournalId))
        {
            // One statement marks the move done and hands back its outcome; a concurrent or repeated
            // completion finds the state no longer 'moving' and gets nothing (idempotent).
            var json = (string?)await ScalarAsync(connection, transaction, """
                UPDATE move_journal SET state = 'done', destination_path = @dst, finished_at = @now
                WHERE id = @id AND state = 'moving'
                RETURNING outcome;
                """, cancellationToken, BigInt("id", move.JournalId), Text("dst", move.FinalPath), Text("now", now));
            if (json is null)
            {
                continue;
            }

            await InsertRecordAsync(connection, transaction, OutcomeJson.Deserialize(json), move.FinalPath, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task AbandonMoveAsync(long journalId, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE move_journal SET state = 'abandoned', note = @note, finished_at = @now WHERE id = @id AND state = 'moving';", cancellationToken,
            BigInt("id", journalId), Text("note", reason), Text("now", Now()));
    }

    public async Task<IReadOnlyList<JournalEntry>> GetUnfinishedMovesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT id, source_path, destination_path, outcome, created_at FROM move_journal WHERE state = 'moving' ORDER BY id;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<JournalEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new JournalEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), OutcomeJson.Deserialize(reader.GetString(3)), Timestamps.Parse(reader.GetString(4))));
        }

        return entries;
    }

    public async Task<IReadOnlyList<SortedMove>> FindSortedFromAsync(string sourcePathPrefix, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // Byte-wise, as SQLite compares, whatever the database's locale (and so the "C" index serves it).
        await using var command = Command(connection, null, """
            SELECT source_path, destination_path, outcome FROM move_journal
            WHERE state = 'done' AND source_path COLLATE "C" >= @low AND source_path COLLATE "C" < @high ORDER BY id DESC;
            """, Text("low", sourcePathPrefix), Text("high", StoreRows.PrefixEnd(sourcePathPrefix)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var moves = new List<SortedMove>();
        while (await reader.ReadAsync(cancellationToken))
        {
            moves.Add(StoreRows.SortedMove(reader));
        }

        return moves;
    }

    public async Task<IReadOnlyList<CompanionRecord>> ListCompanionsAsync(string? ownerPath, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT id, file_path, owner_path, reason, created_at FROM companions WHERE @owner::text IS NULL OR owner_path = @owner ORDER BY id;", Text("owner", ownerPath));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var companions = new List<CompanionRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            companions.Add(StoreRows.Companion(reader));
        }

        return companions;
    }

    public async Task HoldAsync(string path, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            INSERT INTO held_files(file_path, reason, updated_at) VALUES (@path, @reason, @now)
            ON CONFLICT (file_path) DO UPDATE SET reason = excluded.reason, updated_at = excluded.updated_at;
            """, cancellationToken, Text("path", path), Text("reason", reason), Text("now", Now()));
    }

    public async Task ReleaseHoldAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, "DELETE FROM held_files WHERE file_path = @path;", cancellationToken, Text("path", path));
    }

    public async Task<IReadOnlyList<HeldFile>> GetHeldFilesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // Byte order, as SQLite sorts, whatever the database's locale.
        await using var command = Command(connection, null, """SELECT file_path, reason, updated_at FROM held_files ORDER BY file_path COLLATE "C";""");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var held = new List<HeldFile>();
        while (await reader.ReadAsync(cancellationToken))
        {
            held.Add(new HeldFile(reader.GetString(0), reader.GetString(1), Timestamps.Parse(reader.GetString(2))));
        }

        return held;
    }

    public async Task<SortStats> GetStatsAsync(int days, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var since = Timestamps.ToText(now.AddDays(-days));
        var autoSorted = await CountAsync(connection, "SELECT COUNT(*) FROM downloads WHERE auto_sorted = 1 AND download_date >= @since;", cancellationToken, Text("since", since));
        var inReview = await CountAsync(connection, "SELECT COUNT(*) FROM review_queue WHERE action = 'pending';", cancellationToken);
        var byPerson = await GroupedAsync(connection, "SELECT person_name, COUNT(*) FROM downloads WHERE download_date >= @since AND person_name IS NOT NULL GROUP BY person_name;", cancellationToken,
            Text("since", since));
        var byCategory = await GroupedAsync(connection, "SELECT category, COUNT(*) FROM review_queue WHERE action = 'pending' GROUP BY category;", cancellationToken);
        var corrections = await CountAsync(connection, "SELECT COUNT(*) FROM corrections WHERE corrected_at >= @since;", cancellationToken, Text("since", since));
        return new SortStats(autoSorted, inReview, byPerson, byCategory, StatsCalculator.SuccessRate(autoSorted, inReview), days, corrections);
    }

    public async Task<IReadOnlyList<ReviewItem>> ListReviewAsync(string? category, ReviewAction? action, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, $"""
            {StoreRows.ReviewColumns}
            WHERE (@category IS NULL OR category = @category) AND (@action IS NULL OR action = @action)
            ORDER BY id;
            """, Text("category", category), Text("action", action?.ToString().ToLowerInvariant()));
        return await ReadReviewItemsAsync(command, cancellationToken);
    }

    public async Task<ReviewItem?> GetReviewItemAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, $"{StoreRows.ReviewColumns} WHERE id = @id;", BigInt("id", id));
        return (await ReadReviewItemsAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<ReviewItem?> FindReviewByPathAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, $"{StoreRows.ReviewColumns} WHERE file_path = @path ORDER BY id DESC LIMIT 1;", Text("path", path));
        return (await ReadReviewItemsAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<ReviewItem>> FindReviewByHashAsync(string fileHash, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, $"{StoreRows.ReviewColumns} WHERE file_hash = @hash ORDER BY id DESC;", Text("hash", fileHash));
        return await ReadReviewItemsAsync(command, cancellationToken);
    }

    public async Task<bool> ApproveAsync(long reviewId, string person, string newPath, string reviewedBy, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = Now();
        var decided = await DecideAsync(connection, transaction, """
            UPDATE review_queue SET action = 'approved', reviewed_at = @now, reviewed_by = @by, file_path = @path, suggested_person = @person
            WHERE id = @id AND action = 'pending'
            RETURNING file_hash, source, category, file_path;
            """, cancellationToken, BigInt("id", reviewId), Text("now", now), Text("by", reviewedBy), Text("path", newPath), Text("person", person));
        if (decided is { } row)
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO downloads(file_path, filename, file_hash, source, person_name, download_date, auto_sorted, reason)
                VALUES (@path, @name, @hash, @source, @person, @now, 0, @reason);
                """, cancellationToken, Text("path", newPath), Text("name", Path.GetFileName(newPath)), Text("hash", row.FileHash), Text("source", row.Source),
                Text("person", person), Text("now", now), Text("reason", $"approved by {reviewedBy}"));
            if (OwnsContent(row.Category))
            {
                await UpdateContentAsync(connection, transaction, row.FileHash, newPath, ContentState.Approved, now, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return decided is not null;
    }

    public async Task<bool> RejectAsync(long reviewId, string reviewedBy, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = Now();
        var decided = await DecideAsync(connection, transaction, """
            UPDATE review_queue SET action = 'rejected', reviewed_at = @now, reviewed_by = @by
            WHERE id = @id AND action = 'pending'
            RETURNING file_hash, source, category, file_path;
            """, cancellationToken, BigInt("id", reviewId), Text("now", now), Text("by", reviewedBy));
        if (decided is { } row)
        {
            if (OwnsContent(row.Category))
            {
                await UpdateContentAsync(connection, transaction, row.FileHash, row.FilePath, ContentState.Rejected, now, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return decided is not null;
    }

    public async Task<bool> SuggestPersonAsync(long reviewId, string person, double? confidence, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await ExecuteAsync(connection, null, "UPDATE review_queue SET suggested_person = @person, confidence = @confidence WHERE id = @id AND action = 'pending';", cancellationToken,
            BigInt("id", reviewId), Text("person", person), Double("confidence", confidence)) == 1;
    }

    public async Task MoveReviewAsync(long reviewId, string newPath, string category, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE review_queue SET file_path = @path, category = @category WHERE id = @id;", cancellationToken,
            BigInt("id", reviewId), Text("path", newPath), Text("category", category));
    }

    public async Task<IReadOnlyList<DownloadItem>> ListDownloadsAsync(string? fileHash, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT id, file_path, file_hash, person_name, auto_sorted, source FROM downloads
            WHERE @hash::text IS NULL OR file_hash = @hash ORDER BY id;
            """, Text("hash", fileHash));
        return await ReadDownloadsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<DownloadItem>> ListUnlearnedApprovalsAsync(int limit, CancellationToken cancellationToken) =>
        await ListApprovalsNotInAsync("learned_faces", limit, cancellationToken);

    public async Task<IReadOnlyList<DownloadItem>> ListUnassignedApprovalsAsync(int limit, CancellationToken cancellationToken) =>
        await ListApprovalsNotInAsync("immich_assignments", limit, cancellationToken);

    public async Task SetAssignmentAsync(string fileHash, string person, string outcome, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            INSERT INTO immich_assignments(file_hash, person_name, outcome, assigned_at) VALUES (@hash, @person, @outcome, @now)
            ON CONFLICT(file_hash) DO UPDATE SET person_name = excluded.person_name, outcome = excluded.outcome, assigned_at = excluded.assigned_at;
            """, cancellationToken, Text("hash", fileHash), Text("person", person), Text("outcome", outcome), Text("now", Now()));
    }

    /// <summary>Files the user put under a person whose content has no row for that person in <paramref name="doneTable"/> (a constant).</summary>
    private async Task<List<DownloadItem>> ListApprovalsNotInAsync(string doneTable, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, $"""
            SELECT d.id, d.file_path, d.file_hash, d.person_name, d.auto_sorted, d.source FROM downloads d
            LEFT JOIN {doneTable} done ON done.file_hash = d.file_hash
            WHERE d.auto_sorted = 0 AND d.file_hash IS NOT NULL AND d.person_name IS NOT NULL
              AND (done.file_hash IS NULL OR done.person_name <> d.person_name)
            ORDER BY d.id LIMIT @limit;
            """, Integer("limit", limit));
        return await ReadDownloadsAsync(command, cancellationToken);
    }

    public async Task SetLearnedFaceAsync(string fileHash, string person, float[] embedding, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            INSERT INTO learned_faces(file_hash, person_name, embedding, learned_at) VALUES (@hash, @person, @embedding, @now)
            ON CONFLICT(file_hash) DO UPDATE SET person_name = excluded.person_name, embedding = excluded.embedding, learned_at = excluded.learned_at;
            """, cancellationToken,
            Text("hash", fileHash), Text("person", person), new NpgsqlParameter("embedding", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = embedding }, Text("now", Now()));
    }

    public async Task<IReadOnlyList<LearnedFace>> ListLearnedFacesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT file_hash, person_name, embedding FROM learned_faces WHERE cardinality(embedding) > 0 ORDER BY file_hash;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var faces = new List<LearnedFace>();
        while (await reader.ReadAsync(cancellationToken))
        {
            faces.Add(new LearnedFace(reader.GetString(0), reader.GetString(1), await reader.GetFieldValueAsync<float[]>(2, cancellationToken)));
        }

        return faces;
    }

    private static async Task<List<DownloadItem>> ReadDownloadsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<DownloadItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(StoreRows.DownloadItem(reader));
        }

        return items;
    }

    public async Task MoveDownloadAsync(long downloadId, string newPath, string person, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = Now();
        var (oldPath, hash, oldPerson, _, _) = await ReadDownloadAsync(connection, transaction, downloadId, cancellationToken);
        if (oldPath is not null)
        {
            await ExecuteAsync(connection, transaction, "UPDATE downloads SET file_path = @path, filename = @name, person_name = @person WHERE id = @id;", cancellationToken,
                BigInt("id", downloadId), Text("path", newPath), Text("name", Path.GetFileName(newPath)), Text("person", person));
            await ExecuteAsync(connection, transaction, "UPDATE review_queue SET file_path = @path, suggested_person = @person WHERE file_path = @old AND action = 'approved';", cancellationToken,
                Text("path", newPath), Text("old", oldPath), Text("person", person));
            await ExecuteAsync(connection, transaction, "UPDATE contents SET first_path = @path WHERE first_path = @old;", cancellationToken, Text("path", newPath), Text("old", oldPath));
            if (!string.Equals(oldPerson, person, StringComparison.Ordinal))
            {
                await InsertCorrectionAsync(connection, transaction, hash, newPath, oldPerson, person, now, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task AddManualDownloadAsync(string path, string person, string fileHash, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = Now();
        await ExecuteAsync(connection, transaction, """
            INSERT INTO downloads(file_path, filename, file_hash, source, person_name, download_date, auto_sorted, reason)
            VALUES (@path, @name, @hash, NULL, @person, @now, 0, 'added by hand');
            """, cancellationToken, Text("path", path), Text("name", Path.GetFileName(path)), Text("hash", fileHash), Text("person", person), Text("now", now));
        await UpdateContentAsync(connection, transaction, fileHash, path, ContentState.Sorted, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task ReturnToReviewAsync(long downloadId, string newPath, string category, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = Now();
        var (oldPath, hash, oldPerson, autoSorted, source) = await ReadDownloadAsync(connection, transaction, downloadId, cancellationToken);
        if (oldPath is not null)
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM downloads WHERE id = @id;", cancellationToken, BigInt("id", downloadId));
            var reopened = hash is not null && await ExecuteAsync(connection, transaction, """
                UPDATE review_queue SET action = 'pending', reviewed_at = NULL, reviewed_by = NULL, file_path = @path, category = @category
                WHERE id = (SELECT id FROM review_queue WHERE file_hash = @hash AND action = 'approved' ORDER BY id DESC LIMIT 1);
                """, cancellationToken, Text("hash", hash), Text("path", newPath), Text("category", category)) == 1;
            if (!reopened)
            {
                await ExecuteAsync(connection, transaction, """
                    INSERT INTO review_queue(file_path, category, file_hash, reason, faces_detected, suggested_person, created_at, action, source)
                    VALUES (@path, @category, @hash, @reason, 0, @person, @now, 'pending', @source);
                    """, cancellationToken, Text("path", newPath), Text("category", category), Text("hash", hash), Text("reason", $"returned from faces/{oldPerson}"),
                    Text("person", oldPerson), Text("now", now), Text("source", source));
            }

            if (autoSorted)
            {
                await InsertCorrectionAsync(connection, transaction, hash, newPath, oldPerson, null, now, cancellationToken);
            }

            await UpdateContentAsync(connection, transaction, hash, newPath, ContentState.InReview, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<(string? Path, string? Hash, string? Person, bool AutoSorted, string? Source)> ReadDownloadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long downloadId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT file_path, file_hash, person_name, auto_sorted, source FROM downloads WHERE id = @id FOR UPDATE;", BigInt("id", downloadId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDownloadRow(reader, 0) : (null, null, null, false, null);
    }

    /// <summary>file_path, file_hash, person_name, auto_sorted, source from <paramref name="first"/> on (the row is buffered: no I/O).</summary>
    private static (string Path, string? Hash, string? Person, bool AutoSorted, string? Source) ReadDownloadRow(NpgsqlDataReader reader, int first) => (
        reader.GetString(first),
        reader.IsDBNull(first + 1) ? null : reader.GetString(first + 1),
        reader.IsDBNull(first + 2) ? null : reader.GetString(first + 2),
        reader.GetInt32(first + 3) == 1,
        reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4));

    private static Task<int> InsertCorrectionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string? hash, string path, string? fromPerson, string? toPerson, string now, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, """
            INSERT INTO corrections(file_hash, file_path, from_person, to_person, corrected_at) VALUES (@hash, @path, @from, @to, @now);
            """, cancellationToken, Text("hash", hash), Text("path", path), Text("from", fromPerson), Text("to", toPerson), Text("now", now));

    public async Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return (string?)await ScalarAsync(connection, null, "SELECT value FROM settings WHERE key = @key;", cancellationToken, Text("key", key));
    }

    public async Task SetSettingAsync(string key, string value, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, "INSERT INTO settings(key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;", cancellationToken,
            Text("key", key), Text("value", value));
    }

    /// <summary>The row a pending-to-decided update touched, or null when it was not pending (decided before).</summary>
    private static async Task<(string? FileHash, string? Source, string Category, string FilePath)?> DecideAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDecidedRow(reader) : null;
    }

    private static (string? FileHash, string? Source, string Category, string FilePath) ReadDecidedRow(NpgsqlDataReader reader) => (
        reader.IsDBNull(0) ? null : reader.GetString(0),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3));

    private static async Task<List<ReviewItem>> ReadReviewItemsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<ReviewItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            // Synchronous getters on a row already buffered by ReadAsync (default access): no I/O.
            items.Add(StoreRows.ReviewItem(reader));
        }

        return items;
    }

    private static async Task InsertRecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OutcomeRecord outcome, string finalPath, string now, CancellationToken cancellationToken)
    {
        if (outcome.Kind == RecordKind.Returned)
        {
            return; // back in the drop folder: it is recorded when it is sorted again
        }

        if (outcome.Kind == RecordKind.Download)
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO downloads(file_path, filename, file_hash, source, person_name, download_date, auto_sorted, confidence, reason)
                VALUES (@path, @name, @hash, @source, @person, @now, @auto, @confidence, @reason);
                """, cancellationToken, Text("path", finalPath), Text("name", Path.GetFileName(finalPath)), Text("hash", outcome.FileHash), Text("source", outcome.Source),
                Text("person", outcome.PersonName), Text("now", now), Integer("auto", outcome.AutoSorted ? 1 : 0), Double("confidence", outcome.Confidence), Text("reason", outcome.Reason));
            await UpdateContentAsync(connection, transaction, outcome.FileHash, finalPath, ContentState.Sorted, now, cancellationToken);
        }
        else if (outcome.Kind == RecordKind.Companion)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO companions(file_path, owner_path, reason, created_at) VALUES (@path, @owner, @reason, @now);", cancellationToken,
                Text("path", finalPath), Text("owner", outcome.OwnerPath), Text("reason", outcome.Reason), Text("now", now));
        }
        else
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO review_queue(file_path, category, file_hash, reason, faces_detected, suggested_person, created_at, action, source, confidence)
                VALUES (@path, @category, @hash, @reason, @faces, @suggested, @now, 'pending', @source, @confidence);
                """, cancellationToken, Text("path", finalPath), Text("category", outcome.Category), Text("hash", outcome.FileHash), Text("reason", outcome.Reason),
                Integer("faces", outcome.FacesDetected), Text("suggested", outcome.SuggestedPerson), Text("now", now), Text("source", outcome.Source), Double("confidence", outcome.Confidence));
            if (OwnsContent(outcome.Category))
            {
                await UpdateContentAsync(connection, transaction, outcome.FileHash, finalPath, ContentState.InReview, now, cancellationToken);
            }
        }
    }

    /// <summary>A duplicate's content belongs to the earlier copy: its review row never re-points or rejects it.</summary>
    private static bool OwnsContent(string? category) => category != ReviewCategories.Duplicates;

    private static async Task UpdateContentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string? hash, string path, string state, string now, CancellationToken cancellationToken)
    {
        if (hash is null)
        {
            return;
        }

        await ExecuteAsync(connection, transaction, """
            INSERT INTO contents(file_hash, first_path, state, claimed_at) VALUES (@hash, @path, @state, @now)
            ON CONFLICT (file_hash) DO UPDATE SET first_path = excluded.first_path, state = excluded.state;
            """, cancellationToken, Text("hash", hash), Text("path", path), Text("state", state), Text("now", now));
    }

    private static async Task<int> CountAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        Convert.ToInt32(await ScalarAsync(connection, null, sql, cancellationToken, parameters), CultureInfo.InvariantCulture);

    private static async Task<Dictionary<string, int>> GroupedAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = Convert.ToInt32(reader.GetInt64(1));
        }

        return result;
    }

    private string Now() => Timestamps.ToText(_clock.GetUtcNow());

    // Typed parameters: a null has a type too, so "@category IS NULL" needs no cast in the SQL.
    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Integer(string name, int value) => new(name, NpgsqlDbType.Integer) { Value = value };

    private static NpgsqlParameter BigInt(string name, long value) => new(name, NpgsqlDbType.Bigint) { Value = value };

    private static NpgsqlParameter Double(string name, double? value) => new(name, NpgsqlDbType.Double) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }
}
