using System.Data.Common;
using System.Globalization;
using FaceSorter.Decisions;
using FaceSorter.Storage.Postgres;
using FaceSorter.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;
using static FaceSorter.Storage.Arg;

namespace FaceSorter.Storage;

/// <summary>
/// The one store (STYLE 18): every statement and every rule written once, over a <see cref="DbDataSource"/>,
/// with what really differs between SQLite and PostgreSQL in a <see cref="StoreDialect"/>. Several
/// daemons may share one PostgreSQL database, so every decision two of them could race on is made by
/// the database in one statement, never by read-then-write:
/// <list type="bullet">
/// <item>content ownership by the primary key of <c>contents</c> (<c>INSERT … ON CONFLICT DO NOTHING</c>);</item>
/// <item>completing a journalled move by <c>UPDATE … WHERE state = 'moving' RETURNING</c>, so a move is recorded once;</item>
/// <item>approving or rejecting by <c>UPDATE … WHERE action = 'pending' RETURNING</c>, so a decision is recorded once;</item>
/// <item>migrations inside one transaction holding the dialect's migration lock.</item>
/// </list>
/// SQLite runs one writer at a time, where the same statements are simply correct. One connection per
/// unit of work; timestamps are ISO 8601 UTC text (<see cref="Timestamps"/>), so both compare them alike.
/// Consumers depend only on the roles they use (<see cref="IMoveJournal"/>, <see cref="IReviewQueue"/>, …);
/// the container hands out this one instance under each role. One contract test suite runs it on both databases.
/// </summary>
public sealed class FaceSorterStore :
    IStoreSchema,
    IContentClaims,
    IMoveJournal,
    IHeldFiles,
    IReviewQueue,
    IDownloadRecords,
    ILearnedFaces,
    IApprovalAssignments,
    ISortStatistics,
    IStoredSettings,
    IFingerprints
{
    private readonly DbDataSource _dataSource;
    private readonly StoreDialect _dialect;
    private readonly TimeProvider _clock;
    private readonly StorePaths _paths; // absolute paths in and out, stored forms in the SQL (docs/contracts.md, "Stored paths")

    internal FaceSorterStore(DbDataSource dataSource, StoreDialect dialect, TimeProvider clock, StorePaths? paths = null)
    {
        _dataSource = dataSource;
        _dialect = dialect;
        _clock = clock;
        _paths = paths ?? StorePaths.Absolute;
    }

    /// <summary>
    /// The embedded default store, on the SQLite file <paramref name="connectionString"/> names (pooled; 30 s command timeout).
    /// Paths under the folders of <paramref name="paths"/> are stored relative to them; without it, every path as it is.
    /// </summary>
    public static FaceSorterStore ForSqlite(string connectionString, TimeProvider clock, StorePaths? paths = null)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 30 };
        return new(SqliteFactory.Instance.CreateDataSource(builder.ToString()), new SqliteDialect(builder.DataSource), clock, paths);
    }

    /// <summary>The shared store, on FaceSorter's own data source (<see cref="Postgres.StoreDataSource"/>); <paramref name="paths"/> as for <see cref="ForSqlite"/>.</summary>
    public static FaceSorterStore ForPostgres(NpgsqlDataSource dataSource, TimeProvider clock, StorePaths? paths = null) => new(dataSource, new PostgresDialect(), clock, paths);

    public int SchemaVersion => _dialect.Migrations.Count;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        _dialect.PrepareDatabase();
        await using var db = await OpenAsync(cancellationToken);
        await _dialect.BeginMigrationAsync(db, cancellationToken);
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_version(version integer NOT NULL);", cancellationToken);
        var current = Convert.ToInt32(await db.ScalarAsync("SELECT COALESCE(MAX(version), 0) FROM schema_version;", cancellationToken), CultureInfo.InvariantCulture);
        for (var version = current + 1; version <= _dialect.Migrations.Count; version++)
        {
            await db.ExecuteAsync(_dialect.Migrations[version - 1], cancellationToken);
            if (version == StoredPathsMigration.Version)
            {
                await StoredPathsMigration.RewriteAsync(db, _dialect, _paths, cancellationToken);
            }

            await db.ExecuteAsync("INSERT INTO schema_version(version) VALUES (@v);", cancellationToken, Int("v", version));
        }

        await db.CommitAsync(cancellationToken);
    }

    public async Task<ContentClaim> ClaimContentAsync(string fileHash, string path, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        return await ClaimAsync(db, fileHash, _paths.ToStored(path), cancellationToken);
    }

    public async Task<IReadOnlyList<ContentClaim>> ClaimContentsAsync(IReadOnlyList<(string FileHash, string Path)> claims, CancellationToken cancellationToken)
    {
        var answers = new ContentClaim[claims.Count];
        if (claims.Count == 0)
        {
            return answers;
        }

        // One session, no transaction around the batch: each statement commits on its own, exactly as
        // one claim does, so known content (a burst of duplicates) is only read and takes no write lock
        // (a batch transaction on SQLite took the write lock and made the hash workers and the move
        // worker wait on each other: slower in the burst). In the order asked, so a later claim sees an
        // earlier one's row.
        await using var db = await OpenAsync(cancellationToken);
        for (var i = 0; i < claims.Count; i++)
        {
            answers[i] = await ClaimAsync(db, claims[i].FileHash, _paths.ToStored(claims[i].Path), cancellationToken);
        }

        return answers;
    }

    private async Task<ContentClaim> ClaimAsync(DbSession db, string fileHash, string stored, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Known content is only read: a burst of duplicates takes no write transaction each (issue 13).
            var owner = await db.QueryAsync("SELECT first_path, state FROM contents WHERE file_hash = @hash;",
                row => (FirstPath: row.GetString(0), State: row.GetString(1)), cancellationToken, Text("hash", fileHash));
            if (owner is [var (firstPath, state)])
            {
                var sameFileAgain = state == ContentState.Claimed && string.Equals(firstPath, stored, StringComparison.Ordinal);
                return new ContentClaim(sameFileAgain, sameFileAgain ? null : _paths.ToFull(firstPath), sameFileAgain ? null : state);
            }

            // The primary key decides: a concurrent insert of the same hash makes this one wait for
            // the other transaction and then do nothing (or insert, if the other rolled back).
            var inserted = await db.ExecuteAsync("""
                INSERT INTO contents(file_hash, first_path, state, claimed_at) VALUES (@hash, @path, 'claimed', @now)
                ON CONFLICT (file_hash) DO NOTHING;
                """, cancellationToken, Text("hash", fileHash), Text("path", stored), Text("now", NextClaimTime()));
            if (inserted == 1)
            {
                await ReleaseRewrittenClaimsAsync(db, fileHash, stored, cancellationToken);
                return new ContentClaim(true, null, null);
            }

            // Another claim won between our read and our insert: read its owner.
        }
    }

    public async Task<bool> ReleaseClaimAsync(string fileHash, string path, CancellationToken cancellationToken) =>
        await ReleaseClaimAsync(fileHash, _paths.ToStored(path), ExactCopy.DeletedEnd, cancellationToken);

    /// <summary>
    /// The file at <paramref name="stored"/> claimed new content: a claim it still holds for other content is
    /// void, as that content was rewritten in place while the file waited in the drop folder (held, or set
    /// aside during an Immich outage), and a later copy of it must not be called a duplicate of this file.
    /// Only new content looks here (an indexed read, kept off the burst of duplicates): a file rewritten into a
    /// copy of something else, or into no picture, keeps its old claim until it leaves the drop folder
    /// (<see cref="ReleaseLeftClaimsAsync"/>).
    /// </summary>
    private async Task ReleaseRewrittenClaimsAsync(DbSession db, string fileHash, string stored, CancellationToken cancellationToken)
    {
        var rewritten = await db.QueryAsync("SELECT file_hash FROM contents WHERE first_path = @path AND file_hash <> @hash AND state = 'claimed';",
            row => row.GetString(0), cancellationToken, Text("path", stored), Text("hash", fileHash));
        foreach (var old in rewritten)
        {
            await ReleaseClaimAsync(old, stored, ExactCopy.RewrittenEnd, cancellationToken);
        }
    }

    /// <summary>
    /// The file that was at <paramref name="source"/> leaves the drop folder holding <paramref name="fileHash"/>: a
    /// claim of other content still at that path is void, because the file was rewritten into something that
    /// claimed nothing new (a copy of other content, or no picture at all) while it waited, and review items
    /// that named it as their earlier copy say so and no longer point at it, before the move's own records are
    /// written (they would follow it to its new place, where other content is). New content releases such a
    /// claim when it is claimed (<see cref="ReleaseRewrittenClaimsAsync"/>); this is every other way out, in a
    /// shared store too, where no one looks whether a claiming file still exists (docs/contracts.md, "Stored paths").
    /// </summary>
    private static async Task ReleaseLeftClaimsAsync(DbSession db, string source, string? fileHash, CancellationToken cancellationToken)
    {
        var released = await db.ExecuteAsync("DELETE FROM contents WHERE first_path = @path AND state = 'claimed' AND (@hash IS NULL OR file_hash <> @hash);", cancellationToken,
            Text("path", source), Text("hash", fileHash));
        if (released > 0)
        {
            await UnpointEarlierCopyAsync(db, source, ExactCopy.RewrittenEnd, cancellationToken);
        }
    }

    private static Task<int> UnpointEarlierCopyAsync(DbSession db, string path, string end, CancellationToken cancellationToken) =>
        db.ExecuteAsync("UPDATE review_queue SET earlier_path = NULL, reason = REPLACE(reason, @being, @end) WHERE earlier_path = @path;", cancellationToken,
            Text("path", path), Text("being", ExactCopy.BeingSortedEnd), Text("end", end));

    /// <param name="end">How a review item that named the file as its earlier copy ends its reason now (the file is gone or holds other content).</param>
    private async Task<bool> ReleaseClaimAsync(string fileHash, string stored, string end, CancellationToken cancellationToken)
    {
        await using var db = await BeginAsync(cancellationToken);
        var released = await db.ExecuteAsync("""
            DELETE FROM contents WHERE file_hash = @hash AND first_path = @path AND state = 'claimed'
              AND NOT EXISTS (SELECT 1 FROM move_journal WHERE state = 'moving' AND source_path = @path);
            """, cancellationToken, Text("hash", fileHash), Text("path", stored)) == 1;
        if (released)
        {
            // A review item that named it as its earlier copy says so and no longer points at it
            // (docs/contracts.md, "Near duplicates").
            await UnpointEarlierCopyAsync(db, stored, end, cancellationToken);
        }

        await db.CommitAsync(cancellationToken);
        return released;
    }

    public bool OwnsDropFolderClaims => _dialect is SqliteDialect;

    public async Task<IReadOnlyList<ContentPlace>> ListDropFolderClaimsAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT file_hash, first_path FROM contents WHERE state = 'claimed' AND first_path LIKE 'inbox:%' ORDER BY file_hash;",
            row => new ContentPlace(row.GetString(0), _paths.ToFull(row.GetString(1))), cancellationToken);

    public async Task<IReadOnlyList<long>> BeginMovesAsync(IReadOnlyList<PlannedMove> moves, CancellationToken cancellationToken)
    {
        await using var db = await BeginAsync(cancellationToken);
        var ids = new List<long>(moves.Count);
        var now = Now();
        foreach (var move in moves)
        {
            ids.Add(Convert.ToInt64(await db.ScalarAsync("""
                INSERT INTO move_journal(source_path, destination_path, outcome, state, created_at)
                VALUES (@src, @dst, @outcome, 'moving', @now) RETURNING id;
                """, cancellationToken, Text("src", _paths.ToStored(move.SourcePath)), Text("dst", _paths.ToStored(move.DestinationPath)),
                Text("outcome", OutcomeJson.Serialize(move.Outcome with { OwnerPath = _paths.ToStoredOrNull(move.Outcome.OwnerPath) })), Text("now", now)),
                CultureInfo.InvariantCulture));
        }

        await db.CommitAsync(cancellationToken);
        return ids;
    }

    public async Task CompleteMovesAsync(IReadOnlyList<CompletedMove> moves, CancellationToken cancellationToken)
    {
        await using var db = await BeginAsync(cancellationToken);
        var now = Now();

        // Holds are rare (a failed file, a waiting sidecar): when none exists at all, a batch runs no
        // delete per file (issue 13). Read inside the transaction, so it is as current as the deletes.
        var anyHeld = await db.ScalarAsync("SELECT 1 FROM held_files LIMIT 1;", cancellationToken) is not null;

        // Rows are locked in id order, so two daemons completing overlapping batches wait for each
        // other instead of deadlocking.
        foreach (var move in moves.OrderBy(move => move.JournalId))
        {
            // One statement marks the move done and hands back its outcome; a concurrent or repeated
            // completion finds the state no longer 'moving' and gets nothing (idempotent).
            var done = await db.QueryAsync("""
                UPDATE move_journal SET state = 'done', destination_path = @dst, finished_at = @now
                WHERE id = @id AND state = 'moving'
                RETURNING outcome, source_path;
                """, row => (Outcome: row.GetString(0), Source: row.GetString(1)), cancellationToken, Long("id", move.JournalId), Text("dst", _paths.ToStored(move.FinalPath)), Text("now", now));
            if (done is [var (json, source)])
            {
                var outcome = OutcomeJson.Deserialize(json);
                outcome = outcome with { OwnerPath = outcome.OwnerPath is { } owner ? _paths.Normalize(owner) : null, EarlierCopy = _paths.ToStoredOrNull(outcome.EarlierCopy) };
                await ReleaseLeftClaimsAsync(db, _paths.Normalize(source), outcome.FileHash, cancellationToken);
                await InsertRecordAsync(db, outcome, _paths.Normalize(source), _paths.ToStored(move.FinalPath), now, cancellationToken);
                await FollowEarlierCopyAsync(db, _paths.Normalize(source), _paths.ToStored(move.FinalPath), cancellationToken);

                // The file left its place: a hold on it ends in the same transaction (issue 13: one
                // statement here instead of one transaction per sorted file afterwards).
                if (anyHeld)
                {
                    await db.ExecuteAsync("DELETE FROM held_files WHERE file_path = @path;", cancellationToken, Text("path", _paths.Normalize(source)));
                }
            }
        }

        await db.CommitAsync(cancellationToken);
    }

    public async Task AbandonMoveAsync(long journalId, string reason, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE move_journal SET state = 'abandoned', note = @note, finished_at = @now WHERE id = @id AND state = 'moving';", cancellationToken,
            Long("id", journalId), Text("note", reason), Text("now", Now()));

    public async Task<IReadOnlyList<JournalEntry>> GetUnfinishedMovesAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT id, source_path, destination_path, outcome, created_at FROM move_journal WHERE state = 'moving' ORDER BY id;",
            row => new JournalEntry(row.GetInt64(0), _paths.ToFull(row.GetString(1)), _paths.ToFull(row.GetString(2)), FullOwnerPath(OutcomeJson.Deserialize(row.GetString(3))),
                Timestamps.Parse(row.GetString(4))),
            cancellationToken);

    public async Task<bool> IsMoveUnderwayAsync(string path, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        return await db.ScalarAsync("SELECT 1 FROM move_journal WHERE state = 'moving' AND (source_path = @path OR destination_path = @path) LIMIT 1;",
            cancellationToken, Text("path", _paths.ToStored(path))) is not null;
    }

    public async Task<IReadOnlyList<SortedMove>> FindSortedFromAsync(string sourcePathPrefix, CancellationToken cancellationToken)
    {
        var prefix = _paths.ToStored(sourcePathPrefix);
        return await QueryAsync($"""
            SELECT source_path, destination_path, outcome FROM move_journal
            WHERE state = 'done' AND source_path{_dialect.ByteOrder} >= @low AND source_path{_dialect.ByteOrder} < @high ORDER BY id DESC;
            """, row => StoreRows.SortedMove(row, _paths), cancellationToken, Text("low", prefix), Text("high", StoreRows.PrefixEnd(prefix)));
    }

    public async Task<IReadOnlyList<CompanionRecord>> ListCompanionsAsync(string? ownerPath, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT id, file_path, owner_path, reason, created_at FROM companions WHERE @owner IS NULL OR owner_path = @owner ORDER BY id;",
            row => StoreRows.Companion(row, _paths), cancellationToken, Text("owner", _paths.ToStoredOrNull(ownerPath)));

    public async Task HoldAsync(string path, string reason, CancellationToken cancellationToken) =>
        await ExecuteAsync("""
            INSERT INTO held_files(file_path, reason, updated_at) VALUES (@path, @reason, @now)
            ON CONFLICT (file_path) DO UPDATE SET reason = excluded.reason,
              updated_at = CASE WHEN held_files.reason = excluded.reason THEN held_files.updated_at ELSE excluded.updated_at END;
            """, cancellationToken, Text("path", _paths.ToStored(path)), Text("reason", reason), Text("now", Now()));

    public async Task ReleaseHoldAsync(string path, CancellationToken cancellationToken) =>
        await ExecuteAsync("DELETE FROM held_files WHERE file_path = @path;", cancellationToken, Text("path", _paths.ToStored(path)));

    public async Task<IReadOnlyList<HeldFile>> GetHeldFilesAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT file_path, reason, updated_at FROM held_files ORDER BY file_path{_dialect.ByteOrder};",
            row => new HeldFile(_paths.ToFull(row.GetString(0)), row.GetString(1), Timestamps.Parse(row.GetString(2))), cancellationToken);

    public async Task<SortStats> GetStatsAsync(int days, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        var since = Text("since", Timestamps.ToText(now.AddDays(-days)));
        var autoSorted = Count(await db.ScalarAsync("SELECT COUNT(*) FROM downloads WHERE auto_sorted = 1 AND download_date >= @since;", cancellationToken, since));
        var inReview = Count(await db.ScalarAsync("SELECT COUNT(*) FROM review_queue WHERE action = 'pending';", cancellationToken));
        var byPerson = await db.QueryAsync($"""
            SELECT person_name, COUNT(*) FROM downloads WHERE download_date >= @since AND person_name IS NOT NULL
            GROUP BY person_name ORDER BY person_name{_dialect.ByteOrder};
            """, StoreRows.Group, cancellationToken, since);
        var byCategory = await db.QueryAsync($"SELECT category, COUNT(*) FROM review_queue WHERE action = 'pending' GROUP BY category ORDER BY category{_dialect.ByteOrder};",
            StoreRows.Group, cancellationToken);
        var corrections = Count(await db.ScalarAsync("SELECT COUNT(*) FROM corrections WHERE corrected_at >= @since;", cancellationToken, since));
        var near = Text("near", NearCopy.ReasonStart + "%");
        var exactDuplicates = Count(await db.ScalarAsync("SELECT COUNT(*) FROM review_queue WHERE category = 'duplicates' AND created_at >= @since AND COALESCE(reason, '') NOT LIKE @near;",
            cancellationToken, since, near));
        var nearDuplicates = Count(await db.ScalarAsync("SELECT COUNT(*) FROM review_queue WHERE category = 'duplicates' AND created_at >= @since AND reason LIKE @near;",
            cancellationToken, since, near));
        return new SortStats(autoSorted, inReview, byPerson.ToDictionary(StringComparer.Ordinal), byCategory.ToDictionary(StringComparer.Ordinal),
            StatsCalculator.SuccessRate(autoSorted, inReview), days, corrections, exactDuplicates, nearDuplicates);
    }

    public async Task<IReadOnlyList<ReviewItem>> ListReviewAsync(string? category, ReviewAction? action, CancellationToken cancellationToken) =>
        await QueryAsync($"""
            {StoreRows.ReviewColumns}
            WHERE (@category IS NULL OR category = @category) AND (@action IS NULL OR action = @action)
            ORDER BY id;
            """, ReviewRow, cancellationToken, Text("category", category), Text("action", action?.ToString().ToLowerInvariant()));

    public async Task<IReadOnlyList<ReviewItem>> ListReviewPageAsync(string? category, ReviewAction? action, int offset, int limit, CancellationToken cancellationToken) =>
        await QueryAsync($"""
            {StoreRows.ReviewColumns}
            WHERE (@category IS NULL OR category = @category) AND (@action IS NULL OR action = @action)
            ORDER BY id LIMIT @limit OFFSET @offset;
            """, ReviewRow, cancellationToken, Text("category", category), Text("action", action?.ToString().ToLowerInvariant()), Int("limit", limit), Int("offset", offset));

    public async Task<IReadOnlyList<ReviewCount>> CountReviewAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT action, category, reviewed_by, COUNT(*) FROM review_queue GROUP BY action, category, reviewed_by;",
            row => new ReviewCount(Enum.Parse<ReviewAction>(row.GetString(0), ignoreCase: true), row.GetString(1), row.IsDBNull(2) ? null : row.GetString(2), Convert.ToInt32(row.GetInt64(3))),
            cancellationToken);

    public async Task<IReadOnlyList<DailyCount>> GetDailyCountsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        // Timestamps are fixed-width ISO 8601 UTC text: the first ten characters are the day.
        await QueryAsync("""
            SELECT day, SUM(sorted), SUM(approved), SUM(rejected), SUM(added) FROM (
                SELECT substr(download_date, 1, 10) AS day, 1 AS sorted, 0 AS approved, 0 AS rejected, 0 AS added
                FROM downloads WHERE auto_sorted = 1 AND download_date >= @from AND download_date < @to
                UNION ALL
                SELECT substr(reviewed_at, 1, 10), 0, CASE action WHEN 'approved' THEN 1 ELSE 0 END, CASE action WHEN 'rejected' THEN 1 ELSE 0 END, 0
                FROM review_queue WHERE action <> 'pending' AND reviewed_at >= @from AND reviewed_at < @to
                UNION ALL
                SELECT substr(created_at, 1, 10), 0, 0, 0, 1 FROM review_queue WHERE created_at >= @from AND created_at < @to
            ) activity GROUP BY day ORDER BY day;
            """, row => new DailyCount(DateOnly.ParseExact(row.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                Convert.ToInt32(row.GetInt64(1)), Convert.ToInt32(row.GetInt64(2)), Convert.ToInt32(row.GetInt64(3)), Convert.ToInt32(row.GetInt64(4))),
            cancellationToken, Text("from", Timestamps.ToText(from)), Text("to", Timestamps.ToText(to)));

    public async Task<ReviewItem?> GetReviewItemAsync(long id, CancellationToken cancellationToken) =>
        (await QueryAsync($"{StoreRows.ReviewColumns} WHERE id = @id;", ReviewRow, cancellationToken, Long("id", id))).FirstOrDefault();

    public async Task<ReviewItem?> FindReviewByPathAsync(string path, CancellationToken cancellationToken) =>
        (await QueryAsync($"{StoreRows.ReviewColumns} WHERE file_path = @path ORDER BY id DESC LIMIT 1;", ReviewRow, cancellationToken, Text("path", _paths.ToStored(path)))).FirstOrDefault();

    public async Task<IReadOnlyList<ReviewItem>> FindReviewByHashAsync(string fileHash, CancellationToken cancellationToken) =>
        await QueryAsync($"{StoreRows.ReviewColumns} WHERE file_hash = @hash ORDER BY id DESC;", ReviewRow, cancellationToken, Text("hash", fileHash));

    public async Task<bool> ApproveAsync(long reviewId, string person, string newPath, string reviewedBy, CancellationToken cancellationToken)
    {
        await using var db = await BeginAsync(cancellationToken);
        var approved = await ApproveRowAsync(db, reviewId, person, _paths.ToStored(newPath), reviewedBy, Now(), cancellationToken);
        await db.CommitAsync(cancellationToken);
        return approved;
    }

    /// <summary>The approval of a pending row, inside the caller's transaction; false when the row is not pending. <paramref name="newPath"/> is in its stored form.</summary>
    private static async Task<bool> ApproveRowAsync(DbSession db, long reviewId, string person, string newPath, string reviewedBy, string now, CancellationToken cancellationToken)
    {
        var before = await db.QueryAsync("SELECT file_path FROM review_queue WHERE id = @id;", row => row.GetString(0), cancellationToken, Long("id", reviewId));
        var decided = await db.QueryAsync("""
            UPDATE review_queue SET action = 'approved', reviewed_at = @now, reviewed_by = @by, file_path = @path, suggested_person = @person
            WHERE id = @id AND action = 'pending'
            RETURNING file_hash, source, category, file_path;
            """, StoreRows.DecidedRow, cancellationToken, Long("id", reviewId), Text("now", now), Text("by", reviewedBy), Text("path", newPath), Text("person", person));
        if (decided is [var row])
        {
            await db.ExecuteAsync("""
                INSERT INTO downloads(file_path, filename, file_hash, source, person_name, download_date, auto_sorted, reason)
                VALUES (@path, @name, @hash, @source, @person, @now, 0, @reason);
                """, cancellationToken, Text("path", newPath), Text("name", StorePaths.FileName(newPath)), Text("hash", row.FileHash), Text("source", row.Source),
                Text("person", person), Text("now", now), Text("reason", $"approved by {reviewedBy}"));
            await UpdateOwnContentAsync(db, row.Category, row.FileHash, before.FirstOrDefault() ?? newPath, newPath, ContentState.Approved, now, cancellationToken);
        }

        return decided.Count == 1;
    }

    public async Task<bool> RejectAsync(long reviewId, string reviewedBy, CancellationToken cancellationToken)
    {
        await using var db = await BeginAsync(cancellationToken);
        var now = Now();
        var decided = await db.QueryAsync("""
            UPDATE review_queue SET action = 'rejected', reviewed_at = @now, reviewed_by = @by
            WHERE id = @id AND action = 'pending'
            RETURNING file_hash, source, category, file_path;
            """, StoreRows.DecidedRow, cancellationToken, Long("id", reviewId), Text("now", now), Text("by", reviewedBy));
        if (decided is [var row])
        {
            await UpdateOwnContentAsync(db, row.Category, row.FileHash, row.FilePath, row.FilePath, ContentState.Rejected, now, cancellationToken);
        }

        await db.CommitAsync(cancellationToken);
        return decided.Count == 1;
    }

    public async Task<ReviewItem?> WithdrawReturnedAsync(long reviewId, string inboxPath, CancellationToken cancellationToken)
    {
        await using var db = await BeginAsync(cancellationToken);
        var row = (await db.QueryAsync($"{StoreRows.ReviewColumns} WHERE id = @id AND action = 'pending';", ReviewRow, cancellationToken, Long("id", reviewId))).FirstOrDefault();
        if (row is not null)
        {
            var old = _paths.ToStored(row.FilePath);
            var inbox = _paths.ToStored(inboxPath);
            await db.ExecuteAsync("DELETE FROM review_queue WHERE id = @id;", cancellationToken, Long("id", reviewId));
            if (row.FileHash is not null)
            {
                // Its claim keeps its time: the content was claimed then, so copies that came since stay the later ones.
                await db.ExecuteAsync("UPDATE contents SET first_path = @inbox, state = 'claimed' WHERE file_hash = @hash AND first_path = @old;", cancellationToken,
                    Text("inbox", inbox), Text("hash", row.FileHash), Text("old", old));
            }

            await FollowEarlierCopyAsync(db, old, inbox, cancellationToken);
        }

        await db.CommitAsync(cancellationToken);
        return row;
    }

    public async Task<bool> SuggestPersonAsync(long reviewId, string person, double? confidence, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE review_queue SET suggested_person = @person, confidence = @confidence WHERE id = @id AND action = 'pending';", cancellationToken,
            Long("id", reviewId), Text("person", person), Real("confidence", confidence)) == 1;

    public async Task MoveReviewAsync(long reviewId, string newPath, string category, CancellationToken cancellationToken)
    {
        var stored = _paths.ToStored(newPath);
        await using var db = await BeginAsync(cancellationToken);
        var old = await db.QueryAsync("SELECT file_path FROM review_queue WHERE id = @id;", row => row.GetString(0), cancellationToken, Long("id", reviewId));
        await db.ExecuteAsync("UPDATE review_queue SET file_path = @path, category = @category WHERE id = @id;", cancellationToken,
            Long("id", reviewId), Text("path", stored), Text("category", category));
        if (old is [var oldPath] && oldPath != stored)
        {
            // The file is the same picture at a new name: a claim on it, and a near duplicate that
            // names it as its earlier copy, follow it.
            await db.ExecuteAsync("UPDATE contents SET first_path = @path WHERE first_path = @old;", cancellationToken, Text("path", stored), Text("old", oldPath));
            await FollowEarlierCopyAsync(db, oldPath, stored, cancellationToken);
        }

        await db.CommitAsync(cancellationToken);
    }

    /// <summary>Near duplicates that name the file at <paramref name="oldPath"/> as their earlier copy name it at <paramref name="newPath"/> (both stored forms).</summary>
    private static Task<int> FollowEarlierCopyAsync(DbSession db, string oldPath, string newPath, CancellationToken cancellationToken) =>
        db.ExecuteAsync("UPDATE review_queue SET earlier_path = @path WHERE earlier_path = @old;", cancellationToken, Text("path", newPath), Text("old", oldPath));

    public async Task<IReadOnlyList<DownloadItem>> ListDownloadsAsync(string? fileHash, CancellationToken cancellationToken) =>
        await QueryAsync("""
            SELECT id, file_path, file_hash, person_name, auto_sorted, source FROM downloads
            WHERE @hash IS NULL OR file_hash = @hash ORDER BY id;
            """, DownloadRow, cancellationToken, Text("hash", fileHash));

    public async Task<IReadOnlyList<DownloadItem>> ListUnlearnedApprovalsAsync(int limit, CancellationToken cancellationToken) =>
        await ListApprovalsNotInAsync("learned_faces", limit, cancellationToken);

    public async Task<IReadOnlyList<DownloadItem>> ListUnassignedApprovalsAsync(int limit, CancellationToken cancellationToken) =>
        await ListApprovalsNotInAsync("immich_assignments", limit, cancellationToken);

    public async Task SetAssignmentAsync(string fileHash, string person, string outcome, CancellationToken cancellationToken) =>
        await ExecuteAsync("""
            INSERT INTO immich_assignments(file_hash, person_name, outcome, assigned_at) VALUES (@hash, @person, @outcome, @now)
            ON CONFLICT (file_hash) DO UPDATE SET person_name = excluded.person_name, outcome = excluded.outcome, assigned_at = excluded.assigned_at;
            """, cancellationToken, Text("hash", fileHash), Text("person", person), Text("outcome", outcome), Text("now", Now()));

    public async Task SetLearnedFaceAsync(string fileHash, string person, float[] embedding, CancellationToken cancellationToken) =>
        await ExecuteAsync("""
            INSERT INTO learned_faces(file_hash, person_name, embedding, learned_at) VALUES (@hash, @person, @embedding, @now)
            ON CONFLICT (file_hash) DO UPDATE SET person_name = excluded.person_name, embedding = excluded.embedding, learned_at = excluded.learned_at;
            """, cancellationToken, Text("hash", fileHash), Text("person", person), new Arg("embedding", _dialect.EncodeEmbedding(embedding), null), Text("now", Now()));

    public async Task<IReadOnlyList<LearnedFace>> ListLearnedFacesAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT file_hash, person_name, embedding FROM learned_faces WHERE {_dialect.HasEmbedding} ORDER BY file_hash;",
            row => new LearnedFace(row.GetString(0), row.GetString(1), _dialect.DecodeEmbedding(row.GetValue(2))), cancellationToken);

    public async Task MoveDownloadAsync(long downloadId, string newPath, string person, CancellationToken cancellationToken)
    {
        var stored = _paths.ToStored(newPath);
        await using var db = await BeginAsync(cancellationToken);
        var now = Now();
        if (await ReadDownloadAsync(db, downloadId, cancellationToken) is { } old)
        {
            await db.ExecuteAsync("UPDATE downloads SET file_path = @path, filename = @name, person_name = @person WHERE id = @id;", cancellationToken,
                Long("id", downloadId), Text("path", stored), Text("name", Path.GetFileName(newPath)), Text("person", person));
            await db.ExecuteAsync("UPDATE review_queue SET file_path = @path, suggested_person = @person WHERE file_path = @old AND action = 'approved';", cancellationToken,
                Text("path", stored), Text("old", old.FilePath), Text("person", person));
            await db.ExecuteAsync("UPDATE contents SET first_path = @path WHERE first_path = @old;", cancellationToken, Text("path", stored), Text("old", old.FilePath));
            await FollowEarlierCopyAsync(db, old.FilePath, stored, cancellationToken);
            if (!string.Equals(old.PersonName, person, StringComparison.Ordinal))
            {
                await InsertCorrectionAsync(db, old.FileHash, stored, old.PersonName, person, now, cancellationToken);
            }
        }

        await db.CommitAsync(cancellationToken);
    }

    public async Task AddManualDownloadAsync(string path, string person, string fileHash, CancellationToken cancellationToken)
    {
        var stored = _paths.ToStored(path);
        await using var db = await BeginAsync(cancellationToken);
        var now = Now();
        await db.ExecuteAsync("""
            INSERT INTO downloads(file_path, filename, file_hash, source, person_name, download_date, auto_sorted, reason)
            VALUES (@path, @name, @hash, NULL, @person, @now, 0, 'added by hand');
            """, cancellationToken, Text("path", stored), Text("name", Path.GetFileName(path)), Text("hash", fileHash), Text("person", person), Text("now", now));
        await UpdateContentAsync(db, fileHash, stored, ContentState.Sorted, now, cancellationToken);
        await db.CommitAsync(cancellationToken);
    }

    public async Task ReturnToReviewAsync(long downloadId, string newPath, string category, CancellationToken cancellationToken)
    {
        var stored = _paths.ToStored(newPath);
        await using var db = await BeginAsync(cancellationToken);
        var now = Now();
        if (await ReadDownloadAsync(db, downloadId, cancellationToken) is { } old)
        {
            await db.ExecuteAsync("DELETE FROM downloads WHERE id = @id;", cancellationToken, Long("id", downloadId));
            await FollowEarlierCopyAsync(db, old.FilePath, stored, cancellationToken);
            var reopened = old.FileHash is not null && await db.ExecuteAsync("""
                UPDATE review_queue SET action = 'pending', reviewed_at = NULL, reviewed_by = NULL, file_path = @path, category = @category
                WHERE id = (SELECT id FROM review_queue WHERE file_hash = @hash AND action = 'approved' ORDER BY id DESC LIMIT 1);
                """, cancellationToken, Text("hash", old.FileHash), Text("path", stored), Text("category", category)) == 1;
            if (!reopened)
            {
                await db.ExecuteAsync("""
                    INSERT INTO review_queue(file_path, category, file_hash, reason, faces_detected, suggested_person, created_at, action, source)
                    VALUES (@path, @category, @hash, @reason, 0, @person, @now, 'pending', @source);
                    """, cancellationToken, Text("path", stored), Text("category", category), Text("hash", old.FileHash), Text("reason", $"returned from faces/{old.PersonName}"),
                    Text("person", old.PersonName), Text("now", now), Text("source", old.Source));
            }

            if (old.AutoSorted)
            {
                await InsertCorrectionAsync(db, old.FileHash, stored, old.PersonName, null, now, cancellationToken);
            }

            await UpdateContentAsync(db, old.FileHash, stored, ContentState.InReview, now, cancellationToken);
        }

        await db.CommitAsync(cancellationToken);
    }

    public async Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        return (string?)await db.ScalarAsync("SELECT value FROM settings WHERE key = @key;", cancellationToken, Text("key", key));
    }

    public async Task SetSettingAsync(string key, string value, CancellationToken cancellationToken) =>
        await ExecuteAsync("INSERT INTO settings(key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;", cancellationToken,
            Text("key", key), Text("value", value));

    public async Task SetFingerprintAsync(string fileHash, long? fingerprint, int width, int height, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE contents SET fingerprint = @fingerprint, width = @width, height = @height WHERE file_hash = @hash;", cancellationToken,
            Text("hash", fileHash), new Arg("fingerprint", fingerprint, System.Data.DbType.Int64), Int("width", width), Int("height", height));

    public async Task<IReadOnlyList<long>> ListFingerprintsAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT fingerprint FROM contents WHERE fingerprint IS NOT NULL;", row => row.GetInt64(0), cancellationToken);

    public async Task<IReadOnlyList<FingerprintedContent>> FindEarlierByFingerprintsAsync(string fileHash, IReadOnlyCollection<long> fingerprints, CancellationToken cancellationToken)
    {
        if (fingerprints.Count == 0)
        {
            return [];
        }

        var args = fingerprints.Select((fingerprint, i) => Long($"f{i}", fingerprint)).Append(Text("own", fileHash)).ToArray();
        return await QueryAsync($"""
            SELECT c.file_hash, c.first_path, c.state, c.fingerprint, c.width, c.height
            FROM contents c JOIN contents me ON me.file_hash = @own
            WHERE c.fingerprint IN ({string.Join(", ", args.SkipLast(1).Select(arg => "@" + arg.Name))})
              AND (c.claimed_at < me.claimed_at OR (c.claimed_at = me.claimed_at AND c.file_hash < me.file_hash))
            ORDER BY c.claimed_at, c.file_hash;
            """, row => new FingerprintedContent(row.GetString(0), _paths.ToFull(row.GetString(1)), row.GetString(2), row.GetInt64(3), Convert.ToInt32(row.GetValue(4), CultureInfo.InvariantCulture),
                Convert.ToInt32(row.GetValue(5), CultureInfo.InvariantCulture)), cancellationToken, args);
    }

    public async Task<IReadOnlyList<ContentPlace>> ListUnfingerprintedAsync(int limit, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT file_hash, first_path FROM contents WHERE width IS NULL AND state <> 'claimed' ORDER BY file_hash LIMIT @limit;",
            row => new ContentPlace(row.GetString(0), _paths.ToFull(row.GetString(1))), cancellationToken, Int("limit", limit));

    /// <summary>Files the user put under a person whose content has no row for that person in <paramref name="doneTable"/> (a constant).</summary>
    private async Task<List<DownloadItem>> ListApprovalsNotInAsync(string doneTable, int limit, CancellationToken cancellationToken) =>
        await QueryAsync($"""
            SELECT d.id, d.file_path, d.file_hash, d.person_name, d.auto_sorted, d.source FROM downloads d
            LEFT JOIN {doneTable} done ON done.file_hash = d.file_hash
            WHERE d.auto_sorted = 0 AND d.file_hash IS NOT NULL AND d.person_name IS NOT NULL
              AND (done.file_hash IS NULL OR done.person_name <> d.person_name)
            ORDER BY d.id LIMIT @limit;
            """, DownloadRow, cancellationToken, Int("limit", limit));

    /// <summary>The <c>downloads</c> row as stored (its path in the stored form), locked until the transaction ends; null when it is gone.</summary>
    private async Task<DownloadItem?> ReadDownloadAsync(DbSession db, long downloadId, CancellationToken cancellationToken) =>
        (await db.QueryAsync($"SELECT id, file_path, file_hash, person_name, auto_sorted, source FROM downloads WHERE id = @id{_dialect.LockRows};",
            StoreRows.DownloadItem, cancellationToken, Long("id", downloadId))).FirstOrDefault();

    public async Task<bool> SetReviewHashAsync(long reviewId, string fileHash, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE review_queue SET file_hash = @hash WHERE id = @id AND file_hash IS NULL;", cancellationToken,
            Long("id", reviewId), Text("hash", fileHash)) == 1;

    /// <summary>What the journal says to record, inside the caller's transaction; paths (and the outcome's owner path) in their stored form.</summary>
    private static async Task InsertRecordAsync(DbSession db, OutcomeRecord outcome, string sourcePath, string finalPath, string now, CancellationToken cancellationToken)
    {
        switch (outcome.Kind)
        {
            case RecordKind.Returned:
                // Back in the drop folder, recorded when it is sorted again; the record of the place it
                // left describes a partial file and goes with the move, so none is left pointing at it.
                await WithdrawAsync(db, sourcePath, outcome.FileHash, cancellationToken);
                return;
            case RecordKind.Approval:
                await ApproveRowAsync(db, outcome.ReviewId ?? throw new InvalidDataException("an approval in the move journal without its review id"),
                    outcome.PersonName!, finalPath, outcome.ReviewedBy!, now, cancellationToken);
                return;
            case RecordKind.Download:
                await db.ExecuteAsync("""
                    INSERT INTO downloads(file_path, filename, file_hash, source, person_name, download_date, auto_sorted, confidence, reason)
                    VALUES (@path, @name, @hash, @source, @person, @now, 1, @confidence, @reason);
                    """, cancellationToken, Text("path", finalPath), Text("name", StorePaths.FileName(finalPath)), Text("hash", outcome.FileHash), Text("source", outcome.Source),
                    Text("person", outcome.PersonName), Text("now", now), Real("confidence", outcome.Confidence), Text("reason", outcome.Reason));
                await UpdateContentAsync(db, outcome.FileHash, finalPath, ContentState.Sorted, now, cancellationToken);
                return;
            case RecordKind.Companion:
                await db.ExecuteAsync("INSERT INTO companions(file_path, owner_path, reason, created_at) VALUES (@path, @owner, @reason, @now);", cancellationToken,
                    Text("path", finalPath), Text("owner", outcome.OwnerPath), Text("reason", outcome.Reason), Text("now", now));
                return;
            default:
                await db.ExecuteAsync("""
                    INSERT INTO review_queue(file_path, category, file_hash, reason, faces_detected, suggested_person, created_at, action, source, confidence, earlier_path)
                    VALUES (@path, @category, @hash, @reason, @faces, @suggested, @now, 'pending', @source, @confidence, @earlier);
                    """, cancellationToken, Text("path", finalPath), Text("category", outcome.Category), Text("hash", outcome.FileHash), Text("reason", outcome.Reason),
                    Int("faces", outcome.FacesDetected), Text("suggested", outcome.SuggestedPerson), Text("now", now), Text("source", outcome.Source), Real("confidence", outcome.Confidence),
                    Text("earlier", outcome.EarlierCopy));
                if (outcome.ClaimsContent)
                {
                    await UpdateOwnContentAsync(db, outcome.Category, outcome.FileHash, sourcePath, finalPath, ContentState.InReview, now, cancellationToken);
                }

                return;
        }
    }

    /// <summary>
    /// The <c>downloads</c> row and pending <c>review_queue</c> row at <paramref name="path"/>, and the claim of
    /// <paramref name="fileHash"/> when that file owns it. A review item that named it as its earlier copy says
    /// that file changed and no longer points at it: it held other content than the copy by then (rewritten
    /// while it waited for Immich, say), so the copy may be the only one of its content.
    /// </summary>
    private static async Task WithdrawAsync(DbSession db, string path, string? fileHash, CancellationToken cancellationToken)
    {
        await db.ExecuteAsync("DELETE FROM downloads WHERE file_path = @path;", cancellationToken, Text("path", path));
        await db.ExecuteAsync("DELETE FROM review_queue WHERE file_path = @path AND action = 'pending';", cancellationToken, Text("path", path));
        await UnpointEarlierCopyAsync(db, path, ExactCopy.RewrittenEnd, cancellationToken);
        if (fileHash is not null)
        {
            await db.ExecuteAsync("DELETE FROM contents WHERE file_hash = @hash AND first_path = @path;", cancellationToken, Text("hash", fileHash), Text("path", path));
        }
    }

    /// <summary>
    /// A review row owns its content unless it is a duplicate: a duplicate's content belongs to the
    /// earlier copy, so putting it in review, approving it or rejecting it (deleting a spare copy)
    /// must not re-point or reject the content the original still holds.
    /// </summary>
    private static bool OwnsContent(string? category) => category != ReviewCategories.Duplicates;

    /// <summary>
    /// Updates the content of a review row that owns it (<see cref="OwnsContent"/>). A duplicate's row owns
    /// its content only when its own file, at <paramref name="ownPath"/>, is the content's first copy: a
    /// near duplicate (docs/contracts.md, "Near duplicates") has content of its own; an exact one does not.
    /// </summary>
    private static async Task UpdateOwnContentAsync(DbSession db, string? category, string? hash, string ownPath, string newPath, string state, string now, CancellationToken cancellationToken)
    {
        if (ownPath != newPath)
        {
            await FollowEarlierCopyAsync(db, ownPath, newPath, cancellationToken);
        }

        if (OwnsContent(category))
        {
            await UpdateContentAsync(db, hash, newPath, state, now, cancellationToken);
        }
        else if (hash is not null)
        {
            await db.ExecuteAsync("UPDATE contents SET first_path = @path, state = @state WHERE file_hash = @hash AND first_path = @own;", cancellationToken,
                Text("hash", hash), Text("path", newPath), Text("state", state), Text("own", ownPath));
        }
    }

    /// <summary>
    /// Records <paramref name="path"/> (stored form) as where the content of <paramref name="hash"/> is now, in
    /// <paramref name="state"/>. Review rows that name the content's former place as their earlier copy name
    /// the new one, in the same transaction: wherever the recorded place changes (a file sorted, approved,
    /// added by hand, returned to review), duplicates follow it (docs/contracts.md, "Near duplicates").
    /// </summary>
    private static async Task UpdateContentAsync(DbSession db, string? hash, string path, string state, string now, CancellationToken cancellationToken)
    {
        if (hash is not null)
        {
            await db.ExecuteAsync("""
                UPDATE review_queue SET earlier_path = @path
                WHERE earlier_path = (SELECT first_path FROM contents WHERE file_hash = @hash) AND earlier_path <> @path;
                """, cancellationToken, Text("hash", hash), Text("path", path));
            await db.ExecuteAsync("""
                INSERT INTO contents(file_hash, first_path, state, claimed_at) VALUES (@hash, @path, @state, @now)
                ON CONFLICT (file_hash) DO UPDATE SET first_path = excluded.first_path, state = excluded.state;
                """, cancellationToken, Text("hash", hash), Text("path", path), Text("state", state), Text("now", now));
        }
    }

    private static Task<int> InsertCorrectionAsync(DbSession db, string? hash, string path, string? fromPerson, string? toPerson, string now, CancellationToken cancellationToken) =>
        db.ExecuteAsync("INSERT INTO corrections(file_hash, file_path, from_person, to_person, corrected_at) VALUES (@hash, @path, @from, @to, @now);", cancellationToken,
            Text("hash", hash), Text("path", path), Text("from", fromPerson), Text("to", toPerson), Text("now", now));

    private ReviewItem ReviewRow(DbDataReader reader)
    {
        var row = StoreRows.ReviewItem(reader);
        if (row.EarlierCopy is not { } stored)
        {
            return row with { FilePath = _paths.ToFull(row.FilePath) };
        }

        // The reason names the earlier copy where it is now, as earlier_path does (docs/contracts.md, "Near duplicates").
        var earlier = _paths.ToFull(stored);
        var stillInDropFolder = stored.StartsWith("inbox:", StringComparison.Ordinal);
        var told = row.Reason switch
        {
            null => null,
            { } reason when reason.StartsWith(ExactCopy.ReasonStart, StringComparison.Ordinal) => ExactCopy.Retell(reason, earlier, stillInDropFolder),
            { } reason => NearCopy.Retell(reason, earlier, stillInDropFolder),
        };
        return row with { FilePath = _paths.ToFull(row.FilePath), EarlierCopy = earlier, Reason = told };
    }

    private DownloadItem DownloadRow(DbDataReader reader)
    {
        var row = StoreRows.DownloadItem(reader);
        return row with { FilePath = _paths.ToFull(row.FilePath) };
    }

    private OutcomeRecord FullOwnerPath(OutcomeRecord outcome) => outcome with { OwnerPath = _paths.ToFullOrNull(outcome.OwnerPath) };

    private static int Count(object? value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);

    private string Now() => Timestamps.ToText(_clock.GetUtcNow());

    private long _lastClaimMilliseconds;

    /// <summary>
    /// Now, but later than every claim this store made before (by a millisecond at least): claims made one
    /// after another are ordered by their time alone, never by the hash that breaks ties, so "claimed
    /// before" agrees with the order in which the near-duplicate lookups ran (docs/contracts.md, "Near duplicates").
    /// </summary>
    private string NextClaimTime()
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        long last, next;
        do
        {
            last = Interlocked.Read(ref _lastClaimMilliseconds);
            next = Math.Max(now, last + 1);
        }
        while (Interlocked.CompareExchange(ref _lastClaimMilliseconds, next, last) != last);
        return Timestamps.ToText(DateTimeOffset.FromUnixTimeMilliseconds(next));
    }

    /// <summary>A connection from the pool, prepared as the dialect says.</summary>
    private async Task<DbSession> OpenAsync(CancellationToken cancellationToken)
    {
        var session = new DbSession(await _dataSource.OpenConnectionAsync(cancellationToken));
        try
        {
            await _dialect.PrepareConnectionAsync(session, cancellationToken);
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection with a transaction begun (rolled back on dispose unless committed).</summary>
    private async Task<DbSession> BeginAsync(CancellationToken cancellationToken)
    {
        var session = await OpenAsync(cancellationToken);
        try
        {
            await session.BeginAsync(cancellationToken);
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params Arg[] args)
    {
        await using var db = await OpenAsync(cancellationToken);
        return await db.ExecuteAsync(sql, cancellationToken, args);
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> row, CancellationToken cancellationToken, params Arg[] args)
    {
        await using var db = await OpenAsync(cancellationToken);
        return await db.QueryAsync(sql, row, cancellationToken, args);
    }
}
