using System.Runtime.InteropServices;
using System.Data;
using FaceSorter.Decisions;
using Microsoft.Data.Sqlite;

namespace FaceSorter.Storage.Sqlite;

/// <summary>
/// The embedded default store. WAL mode (persisted in the file); <c>synchronous=NORMAL</c>, a busy
/// timeout and foreign keys are set on every open because they are per connection
/// (LINUX-FACTS §4). One connection per unit of work; writes inside <c>BEGIN IMMEDIATE</c>.
/// NORMAL survives a process crash (kill -9) with every commit; after a power loss the last commits
/// may roll back, which the start-up journal recovery tolerates.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite's async methods run synchronously anyway, so the synchronous API is used
/// and CA1849 is suppressed for this file.
/// </remarks>
#pragma warning disable CA1849 // Call async methods when in an async method: see remarks
public sealed class SqliteStore : IFaceSorterStore
{
    private readonly string _connectionString;
    private readonly TimeProvider _clock;

    public SqliteStore(string connectionString, TimeProvider clock)
    {
        _clock = clock;
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 30 };
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
    }

    public string DataSource { get; }

    public Task MigrateAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(DataSource));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using var connection = Open();
        Execute(connection, null, "PRAGMA journal_mode=WAL;");
        Execute(connection, null, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL);");
        using var transaction = connection.BeginTransaction();
        var current = Convert.ToInt32(Scalar(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version;"), System.Globalization.CultureInfo.InvariantCulture);
        for (var version = current + 1; version <= SqliteSchema.Migrations.Count; version++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Execute(connection, transaction, SqliteSchema.Migrations[version - 1]);
            Execute(connection, transaction, "INSERT INTO schema_version(version) VALUES ($v);", ("$v", version));
        }

        transaction.Commit();
        return Task.CompletedTask;
    }

    public int SchemaVersion => SqliteSchema.Migrations.Count;

    public Task<ContentClaim> ClaimContentAsync(string fileHash, string path, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var inserted = Execute(connection, transaction, """
            INSERT INTO contents(file_hash, first_path, state, claimed_at) VALUES ($hash, $path, 'claimed', $now)
            ON CONFLICT(file_hash) DO NOTHING;
            """, ("$hash", fileHash), ("$path", path), ("$now", Now()));
        ContentClaim claim;
        if (inserted == 1)
        {
            claim = new ContentClaim(true, null, null);
        }
        else
        {
            using var command = Command(connection, transaction, "SELECT first_path, state FROM contents WHERE file_hash = $hash;", ("$hash", fileHash));
            using var reader = command.ExecuteReader();
            reader.Read();
            var firstPath = reader.GetString(0);
            var state = reader.GetString(1);
            var sameFileAgain = state == ContentState.Claimed && string.Equals(firstPath, path, StringComparison.Ordinal);
            claim = new ContentClaim(sameFileAgain, sameFileAgain ? null : firstPath, sameFileAgain ? null : state);
        }

        transaction.Commit();
        return Task.FromResult(claim);
    }

    public Task ReleaseClaimAsync(string fileHash, string path, CancellationToken cancellationToken)
    {
        using var connection = Open();
        Execute(connection, null, """
            DELETE FROM contents WHERE file_hash = $hash AND first_path = $path AND state = 'claimed'
              AND NOT EXISTS (SELECT 1 FROM move_journal WHERE state = 'moving' AND source_path = $path);
            """, ("$hash", fileHash), ("$path", path));
        return Task.CompletedTask;
    }

    public Task WithdrawRecordAsync(string path, string? fileHash, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "DELETE FROM downloads WHERE file_path = $path;", ("$path", path));
        Execute(connection, transaction, "DELETE FROM review_queue WHERE file_path = $path AND action = 'pending';", ("$path", path));
        if (fileHash is not null)
        {
            Execute(connection, transaction, "DELETE FROM contents WHERE file_hash = $hash AND first_path = $path;", ("$hash", fileHash), ("$path", path));
        }

        transaction.Commit();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<long>> BeginMovesAsync(IReadOnlyList<PlannedMove> moves, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var ids = new List<long>(moves.Count);
        var now = Now();
        foreach (var move in moves)
        {
            ids.Add((long)Scalar(connection, transaction, """
                INSERT INTO move_journal(source_path, destination_path, outcome, state, created_at)
                VALUES ($src, $dst, $outcome, 'moving', $now) RETURNING id;
                """, ("$src", move.SourcePath), ("$dst", move.DestinationPath), ("$outcome", OutcomeJson.Serialize(move.Outcome)), ("$now", now))!);
        }

        transaction.Commit();
        return Task.FromResult<IReadOnlyList<long>>(ids);
    }

    public Task CompleteMovesAsync(IReadOnlyList<CompletedMove> moves, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var now = Now();
        foreach (var move in moves)
        {
            var json = (string?)Scalar(connection, transaction, "SELECT outcome FROM move_journal WHERE id = $id AND state = 'moving';", ("$id", move.JournalId));
            if (json is null)
            {
                continue; // already completed or abandoned: completing is idempotent
            }

            var outcome = OutcomeJson.Deserialize(json);
            InsertRecord(connection, transaction, outcome, move.FinalPath, now);
            Execute(connection, transaction, "UPDATE move_journal SET state = 'done', destination_path = $dst, finished_at = $now WHERE id = $id;", ("$id", move.JournalId), ("$dst", move.FinalPath), ("$now", now));
        }

        transaction.Commit();
        return Task.CompletedTask;
    }

    public Task AbandonMoveAsync(long journalId, string reason, CancellationToken cancellationToken)
    {
        using var connection = Open();
        Execute(connection, null, "UPDATE move_journal SET state = 'abandoned', note = $note, finished_at = $now WHERE id = $id AND state = 'moving';", ("$id", journalId), ("$note", reason), ("$now", Now()));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<JournalEntry>> GetUnfinishedMovesAsync(CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT id, source_path, destination_path, outcome, created_at FROM move_journal WHERE state = 'moving' ORDER BY id;");
        using var reader = command.ExecuteReader();
        var entries = new List<JournalEntry>();
        while (reader.Read())
        {
            entries.Add(new JournalEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), OutcomeJson.Deserialize(reader.GetString(3)), Timestamps.Parse(reader.GetString(4))));
        }

        return Task.FromResult<IReadOnlyList<JournalEntry>>(entries);
    }

    public Task<IReadOnlyList<SortedMove>> FindSortedFromAsync(string sourcePathPrefix, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = Command(connection, null, """
            SELECT source_path, destination_path, outcome FROM move_journal
            WHERE state = 'done' AND source_path >= $low AND source_path < $high ORDER BY id DESC;
            """, ("$low", sourcePathPrefix), ("$high", StoreRows.PrefixEnd(sourcePathPrefix)));
        using var reader = command.ExecuteReader();
        var moves = new List<SortedMove>();
        while (reader.Read())
        {
            moves.Add(StoreRows.SortedMove(reader));
        }

        return Task.FromResult<IReadOnlyList<SortedMove>>(moves);
    }

    public Task<IReadOnlyList<CompanionRecord>> ListCompanionsAsync(string? ownerPath, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT id, file_path, owner_path, reason, created_at FROM companions WHERE $owner IS NULL OR owner_path = $owner ORDER BY id;", ("$owner", ownerPath));
        using var reader = command.ExecuteReader();
        var companions = new List<CompanionRecord>();
        while (reader.Read())
        {
            companions.Add(StoreRows.Companion(reader));
        }

        return Task.FromResult<IReadOnlyList<CompanionRecord>>(companions);
    }

    public Task HoldAsync(string path, string reason, CancellationToken cancellationToken)
    {
        using var connection = Open();
        Execute(connection, null, """
            INSERT INTO held_files(file_path, reason, updated_at) VALUES ($path, $reason, $now)
            ON CONFLICT(file_path) DO UPDATE SET reason = excluded.reason, updated_at = excluded.updated_at;
            """, ("$path", path), ("$reason", reason), ("$now", Now()));
        return Task.CompletedTask;
    }

    public Task ReleaseHoldAsync(string path, CancellationToken cancellationToken)
    {
        using var connection = Open();
        Execute(connection, null, "DELETE FROM held_files WHERE file_path = $path;", ("$path", path));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<HeldFile>> GetHeldFilesAsync(CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT file_path, reason, updated_at FROM held_files ORDER BY file_path;");
        using var reader = command.ExecuteReader();
        var held = new List<HeldFile>();
        while (reader.Read())
        {
            held.Add(new HeldFile(reader.GetString(0), reader.GetString(1), Timestamps.Parse(reader.GetString(2))));
        }

        return Task.FromResult<IReadOnlyList<HeldFile>>(held);
    }

    public Task<SortStats> GetStatsAsync(int days, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var connection = Open();
        var since = Timestamps.ToText(now.AddDays(-days));
        var autoSorted = Count(connection, "SELECT COUNT(*) FROM downloads WHERE auto_sorted = 1 AND download_date >= $since;", since);
        var inReview = Count(connection, "SELECT COUNT(*) FROM review_queue WHERE action = 'pending';", since);
        var byPerson = Grouped(connection, "SELECT person_name, COUNT(*) FROM downloads WHERE download_date >= $since AND person_name IS NOT NULL GROUP BY person_name ORDER BY person_name;", since);
        var byCategory = Grouped(connection, "SELECT category, COUNT(*) FROM review_queue WHERE action = 'pending' GROUP BY category ORDER BY category;", since);
        var corrections = Count(connection, "SELECT COUNT(*) FROM corrections WHERE corrected_at >= $since;", since);
        return Task.FromResult(new SortStats(autoSorted, inReview, byPerson, byCategory, StatsCalculator.SuccessRate(autoSorted, inReview), days, corrections));
    }

    public Task<IReadOnlyList<ReviewItem>> ListReviewAsync(string? category, ReviewAction? action, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = Command(connection, null, $"""
            {StoreRows.ReviewColumns}
            WHERE ($category IS NULL OR category = $category) AND ($action IS NULL OR action = $action)
            ORDER BY id;
            """, ("$category", category), ("$action", action?.ToString().ToLowerInvariant()));
        return Task.FromResult<IReadOnlyList<ReviewItem>>(ReadReviewItems(command));
    }

    public Task<ReviewItem?> GetReviewItemAsync(long id, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = Command(connection, null, $"{StoreRows.ReviewColumns} WHERE id = $id;", ("$id", id));
        return Task.FromResult(ReadReviewItems(command).FirstOrDefault());
    }

    public Task<ReviewItem?> FindReviewByPathAsync(string path, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = Command(connection, null, $"{StoreRows.ReviewColumns} WHERE file_path = $path ORDER BY id DESC LIMIT 1;", ("$path", path));
        return Task.FromResult(ReadReviewItems(command).FirstOrDefault());
    }

    public Task<IReadOnlyList<ReviewItem>> FindReviewByHashAsync(string fileHash, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = Command(connection, null, $"{StoreRows.ReviewColumns} WHERE file_hash = $hash ORDER BY id DESC;", ("$hash", fileHash));
        return Task.FromResult<IReadOnlyList<ReviewItem>>(ReadReviewItems(command));
    }

    public Task<bool> ApproveAsync(long reviewId, string person, string newPath, string reviewedBy, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var now = Now();
        var updated = Execute(connection, transaction, """
            UPDATE review_queue SET action = 'approved', reviewed_at = $now, reviewed_by = $by, file_path = $path, suggested_person = $person
            WHERE id = $id AND action = 'pending';
            """, ("$id", reviewId), ("$now", now), ("$by", reviewedBy), ("$path", newPath), ("$person", person));
        if (updated == 1)
        {
            var hash = (string?)Scalar(connection, transaction, "SELECT file_hash FROM review_queue WHERE id = $id;", ("$id", reviewId));
            var source = (string?)Scalar(connection, transaction, "SELECT source FROM review_queue WHERE id = $id;", ("$id", reviewId));
            var category = (string)Scalar(connection, transaction, "SELECT category FROM review_queue WHERE id = $id;", ("$id", reviewId))!;
            Execute(connection, transaction, """
                INSERT INTO downloads(file_path, filename, file_hash, source, person_name, download_date, auto_sorted, reason)
                VALUES ($path, $name, $hash, $source, $person, $now, 0, $reason);
                """, ("$path", newPath), ("$name", Path.GetFileName(newPath)), ("$hash", hash), ("$source", source), ("$person", person), ("$now", now), ("$reason", $"approved by {reviewedBy}"));
            if (OwnsContent(category))
            {
                UpdateContent(connection, transaction, hash, newPath, ContentState.Approved, now);
            }
        }

        transaction.Commit();
        return Task.FromResult(updated == 1);
    }

    public Task<bool> RejectAsync(long reviewId, string reviewedBy, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var now = Now();
        var updated = Execute(connection, transaction, "UPDATE review_queue SET action = 'rejected', reviewed_at = $now, reviewed_by = $by WHERE id = $id AND action = 'pending';",
            ("$id", reviewId), ("$now", now), ("$by", reviewedBy));
        if (updated == 1)
        {
            var hash = (string?)Scalar(connection, transaction, "SELECT file_hash FROM review_queue WHERE id = $id;", ("$id", reviewId));
            var path = (string)Scalar(connection, transaction, "SELECT file_path FROM review_queue WHERE id = $id;", ("$id", reviewId))!;
            var category = (string)Scalar(connection, transaction, "SELECT category FROM review_queue WHERE id = $id;", ("$id", reviewId))!;
            if (OwnsContent(category))
            {
                UpdateContent(connection, transaction, hash, path, ContentState.Rejected, now);
            }
        }

        transaction.Commit();
        return Task.FromResult(updated == 1);
    }

    public Task<bool> SuggestPersonAsync(long reviewId, string person, double? confidence, CancellationToken cancellationToken)
    {
        using var connection = Open();
        var updated = Execute(connection, null, "UPDATE review_queue SET suggested_person = $person, confidence = $confidence WHERE id = $id AND action = 'pending';",
            ("$id", reviewId), ("$person", person), ("$confidence", confidence));
        return Task.FromResult(updated == 1);
    }

    public Task MoveReviewAsync(long reviewId, string newPath, string category, CancellationToken cancellationToken)
    {
        using var connection = Open();
        Execute(connection, null, "UPDATE review_queue SET file_path = $path, category = $category WHERE id = $id;", ("$id", reviewId), ("$path", newPath), ("$category", category));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DownloadItem>> ListDownloadsAsync(string? fileHash, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = Command(connection, null, """
            SELECT id, file_path, file_hash, person_name, auto_sorted, source FROM downloads
            WHERE $hash IS NULL OR file_hash = $hash ORDER BY id;
            """, ("$hash", fileHash));
        return Task.FromResult<IReadOnlyList<DownloadItem>>(ReadDownloads(command));
    }

    public Task<IReadOnlyList<DownloadItem>> ListUnlearnedApprovalsAsync(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DownloadItem>>(ListApprovalsNotIn("learned_faces", limit));

    public Task<IReadOnlyList<DownloadItem>> ListUnassignedApprovalsAsync(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DownloadItem>>(ListApprovalsNotIn("immich_assignments", limit));

    public Task SetAssignmentAsync(string fileHash, string person, string outcome, CancellationToken cancellationToken)
    {
        using var connection = Open();
        Execute(connection, null, """
            INSERT INTO immich_assignments(file_hash, person_name, outcome, assigned_at) VALUES ($hash, $person, $outcome, $now)
            ON CONFLICT(file_hash) DO UPDATE SET person_name = excluded.person_name, outcome = excluded.outcome, assigned_at = excluded.assigned_at;
            """, ("$hash", fileHash), ("$person", person), ("$outcome", outcome), ("$now", Now()));
        return Task.CompletedTask;
    }

    /// <summary>Files the user put under a person whose content has no row for that person in <paramref name="doneTable"/> (a constant).</summary>
    private List<DownloadItem> ListApprovalsNotIn(string doneTable, int limit)
    {
        using var connection = Open();
        using var command = Command(connection, null, $"""
            SELECT d.id, d.file_path, d.file_hash, d.person_name, d.auto_sorted, d.source FROM downloads d
            LEFT JOIN {doneTable} done ON done.file_hash = d.file_hash
            WHERE d.auto_sorted = 0 AND d.file_hash IS NOT NULL AND d.person_name IS NOT NULL
              AND (done.file_hash IS NULL OR done.person_name <> d.person_name)
            ORDER BY d.id LIMIT $limit;
            """, ("$limit", limit));
        return ReadDownloads(command);
    }

    public Task SetLearnedFaceAsync(string fileHash, string person, float[] embedding, CancellationToken cancellationToken)
    {
        using var connection = Open();
        Execute(connection, null, """
            INSERT INTO learned_faces(file_hash, person_name, embedding, learned_at) VALUES ($hash, $person, $embedding, $now)
            ON CONFLICT(file_hash) DO UPDATE SET person_name = excluded.person_name, embedding = excluded.embedding, learned_at = excluded.learned_at;
            """, ("$hash", fileHash), ("$person", person), ("$embedding", MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray()), ("$now", Now()));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LearnedFace>> ListLearnedFacesAsync(CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT file_hash, person_name, embedding FROM learned_faces WHERE length(embedding) > 0 ORDER BY file_hash;");
        using var reader = command.ExecuteReader();
        var faces = new List<LearnedFace>();
        while (reader.Read())
        {
            var bytes = (byte[])reader.GetValue(2);
            faces.Add(new LearnedFace(reader.GetString(0), reader.GetString(1), MemoryMarshal.Cast<byte, float>(bytes).ToArray()));
        }

        return Task.FromResult<IReadOnlyList<LearnedFace>>(faces);
    }

    private static List<DownloadItem> ReadDownloads(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var items = new List<DownloadItem>();
        while (reader.Read())
        {
            items.Add(StoreRows.DownloadItem(reader));
        }

        return items;
    }

    public Task MoveDownloadAsync(long downloadId, string newPath, string person, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var now = Now();
        var (oldPath, hash, oldPerson) = ReadDownload(connection, transaction, downloadId);
        if (oldPath is not null)
        {
            Execute(connection, transaction, "UPDATE downloads SET file_path = $path, filename = $name, person_name = $person WHERE id = $id;",
                ("$id", downloadId), ("$path", newPath), ("$name", Path.GetFileName(newPath)), ("$person", person));
            Execute(connection, transaction, "UPDATE review_queue SET file_path = $path, suggested_person = $person WHERE file_path = $old AND action = 'approved';",
                ("$path", newPath), ("$old", oldPath), ("$person", person));
            Execute(connection, transaction, "UPDATE contents SET first_path = $path WHERE first_path = $old;", ("$path", newPath), ("$old", oldPath));
            if (!string.Equals(oldPerson, person, StringComparison.Ordinal))
            {
                InsertCorrection(connection, transaction, hash, newPath, oldPerson, person, now);
            }
        }

        transaction.Commit();
        return Task.CompletedTask;
    }

    public Task AddManualDownloadAsync(string path, string person, string fileHash, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var now = Now();
        Execute(connection, transaction, """
            INSERT INTO downloads(file_path, filename, file_hash, source, person_name, download_date, auto_sorted, reason)
            VALUES ($path, $name, $hash, NULL, $person, $now, 0, 'added by hand');
            """, ("$path", path), ("$name", Path.GetFileName(path)), ("$hash", fileHash), ("$person", person), ("$now", now));
        UpdateContent(connection, transaction, fileHash, path, ContentState.Sorted, now);
        transaction.Commit();
        return Task.CompletedTask;
    }

    public Task ReturnToReviewAsync(long downloadId, string newPath, string category, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var now = Now();
        var (oldPath, hash, oldPerson) = ReadDownload(connection, transaction, downloadId);
        if (oldPath is not null)
        {
            var autoSorted = Convert.ToInt32(Scalar(connection, transaction, "SELECT auto_sorted FROM downloads WHERE id = $id;", ("$id", downloadId)), System.Globalization.CultureInfo.InvariantCulture) == 1;
            var source = (string?)Scalar(connection, transaction, "SELECT source FROM downloads WHERE id = $id;", ("$id", downloadId));
            Execute(connection, transaction, "DELETE FROM downloads WHERE id = $id;", ("$id", downloadId));
            var reopened = hash is not null && Execute(connection, transaction, """
                UPDATE review_queue SET action = 'pending', reviewed_at = NULL, reviewed_by = NULL, file_path = $path, category = $category
                WHERE id = (SELECT id FROM review_queue WHERE file_hash = $hash AND action = 'approved' ORDER BY id DESC LIMIT 1);
                """, ("$hash", hash), ("$path", newPath), ("$category", category)) == 1;
            if (!reopened)
            {
                Execute(connection, transaction, """
                    INSERT INTO review_queue(file_path, category, file_hash, reason, faces_detected, suggested_person, created_at, action, source)
                    VALUES ($path, $category, $hash, $reason, 0, $person, $now, 'pending', $source);
                    """, ("$path", newPath), ("$category", category), ("$hash", hash), ("$reason", $"returned from faces/{oldPerson}"),
                    ("$person", oldPerson), ("$now", now), ("$source", source));
            }

            if (autoSorted)
            {
                InsertCorrection(connection, transaction, hash, newPath, oldPerson, null, now);
            }

            UpdateContent(connection, transaction, hash, newPath, ContentState.InReview, now);
        }

        transaction.Commit();
        return Task.CompletedTask;
    }

    private static (string? Path, string? Hash, string? Person) ReadDownload(SqliteConnection connection, SqliteTransaction transaction, long downloadId)
    {
        using var command = Command(connection, transaction, "SELECT file_path, file_hash, person_name FROM downloads WHERE id = $id;", ("$id", downloadId));
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            : (null, null, null);
    }

    private static void InsertCorrection(SqliteConnection connection, SqliteTransaction transaction, string? hash, string path, string? fromPerson, string? toPerson, string now) =>
        Execute(connection, transaction, """
            INSERT INTO corrections(file_hash, file_path, from_person, to_person, corrected_at) VALUES ($hash, $path, $from, $to, $now);
            """, ("$hash", hash), ("$path", path), ("$from", fromPerson), ("$to", toPerson), ("$now", now));

    public Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken)
    {
        using var connection = Open();
        return Task.FromResult((string?)Scalar(connection, null, "SELECT value FROM settings WHERE key = $key;", ("$key", key)));
    }

    public Task SetSettingAsync(string key, string value, CancellationToken cancellationToken)
    {
        using var connection = Open();
        Execute(connection, null, "INSERT INTO settings(key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value;", ("$key", key), ("$value", value));
        return Task.CompletedTask;
    }

    private static List<ReviewItem> ReadReviewItems(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var items = new List<ReviewItem>();
        while (reader.Read())
        {
            items.Add(StoreRows.ReviewItem(reader));
        }

        return items;
    }

    private static void InsertRecord(SqliteConnection connection, SqliteTransaction transaction, OutcomeRecord outcome, string finalPath, string now)
    {
        if (outcome.Kind == RecordKind.Returned)
        {
            return; // back in the drop folder: it is recorded when it is sorted again
        }

        if (outcome.Kind == RecordKind.Download)
        {
            Execute(connection, transaction, """
                INSERT INTO downloads(file_path, filename, file_hash, source, person_name, download_date, auto_sorted, confidence, reason)
                VALUES ($path, $name, $hash, $source, $person, $now, $auto, $confidence, $reason);
                """, ("$path", finalPath), ("$name", Path.GetFileName(finalPath)), ("$hash", outcome.FileHash), ("$source", outcome.Source),
                ("$person", outcome.PersonName), ("$now", now), ("$auto", outcome.AutoSorted ? 1 : 0), ("$confidence", outcome.Confidence), ("$reason", outcome.Reason));
            UpdateContent(connection, transaction, outcome.FileHash, finalPath, ContentState.Sorted, now);
        }
        else if (outcome.Kind == RecordKind.Companion)
        {
            Execute(connection, transaction, "INSERT INTO companions(file_path, owner_path, reason, created_at) VALUES ($path, $owner, $reason, $now);",
                ("$path", finalPath), ("$owner", outcome.OwnerPath), ("$reason", outcome.Reason), ("$now", now));
        }
        else
        {
            Execute(connection, transaction, """
                INSERT INTO review_queue(file_path, category, file_hash, reason, faces_detected, suggested_person, created_at, action, source, confidence)
                VALUES ($path, $category, $hash, $reason, $faces, $suggested, $now, 'pending', $source, $confidence);
                """, ("$path", finalPath), ("$category", outcome.Category), ("$hash", outcome.FileHash), ("$reason", outcome.Reason),
                ("$faces", outcome.FacesDetected), ("$suggested", outcome.SuggestedPerson), ("$now", now), ("$source", outcome.Source), ("$confidence", outcome.Confidence));
            if (OwnsContent(outcome.Category))
            {
                UpdateContent(connection, transaction, outcome.FileHash, finalPath, ContentState.InReview, now);
            }
        }
    }

    /// <summary>
    /// A review row owns its content unless it is a duplicate: a duplicate's content belongs to the
    /// earlier copy, so putting it in review, approving it or rejecting it (deleting a spare copy)
    /// must not re-point or reject the content the original still holds.
    /// </summary>
    private static bool OwnsContent(string? category) => category != ReviewCategories.Duplicates;

    private static void UpdateContent(SqliteConnection connection, SqliteTransaction transaction, string? hash, string path, string state, string now)
    {
        if (hash is null)
        {
            return;
        }

        Execute(connection, transaction, """
            INSERT INTO contents(file_hash, first_path, state, claimed_at) VALUES ($hash, $path, $state, $now)
            ON CONFLICT(file_hash) DO UPDATE SET first_path = excluded.first_path, state = excluded.state;
            """, ("$hash", hash), ("$path", path), ("$state", state), ("$now", now));
    }

    private static int Count(SqliteConnection connection, string sql, string since) =>
        Convert.ToInt32(Scalar(connection, null, sql, ("$since", since)), System.Globalization.CultureInfo.InvariantCulture);

    private static Dictionary<string, int> Grouped(SqliteConnection connection, string sql, string since)
    {
        using var command = Command(connection, null, sql, ("$since", since));
        using var reader = command.ExecuteReader();
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        while (reader.Read())
        {
            result[reader.GetString(0)] = reader.GetInt32(1);
        }

        return result;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, null, "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;");
        return connection;
    }

    private string Now() => Timestamps.ToText(_clock.GetUtcNow());

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }
}
