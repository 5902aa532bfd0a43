using Npgsql;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// The layout of Immich's face tables, detected from <c>information_schema</c>, and the SQL that reads
/// named faces from it (docs/immich-facts.md, "Database layouts"). Optional columns are filtered only where
/// they exist: <c>asset_face."deletedAt"</c> (v1.127+) and <c>"isVisible"</c> (v2.5+).
/// </summary>
public sealed record ImmichSchema(ImmichLayout Layout, bool HasFaceDeletedAt, bool HasFaceIsVisible)
{
    private static readonly string[] Tables = ["asset_faces", "asset_face", "assets", "asset", "person", "face_search"];

    /// <summary>
    /// SELECT person_id, name, face_id, version, embedding (real[]) of every live face of a person that
    /// counts (<see cref="PersonRule"/>). version is the <c>xmin</c> of the face's <c>face_search</c>
    /// row: it changes whenever the embedding is written (docs/immich-facts.md, "Reading only what changed").
    /// </summary>
    public string GallerySql => FacesSql(withEmbedding: true);

    /// <summary>
    /// <see cref="GallerySql"/> without the embedding: person_id, name, face_id, version. The join alone,
    /// so PostgreSQL reads no TOASTed vector (docs/immich-facts.md, "Reading only what changed").
    /// </summary>
    public string GalleryKeysSql => FacesSql(withEmbedding: false);

    /// <summary>face_id, version, embedding of the faces whose ids are given as <c>$1</c> (uuid[]).</summary>
    public static string EmbeddingsByIdSql => """SELECT s."faceId", s.xmin::text::bigint, s.embedding::real[] FROM face_search s WHERE s."faceId" = ANY($1)""";

    /// <summary>
    /// Which database and how far its transaction ids have come: text naming the cluster and database
    /// (system identifier, database name and oid; a restored copy has a new oid) and the 64-bit
    /// next transaction id (PostgreSQL 17 docs, "Transaction ID and Snapshot Information Functions").
    /// </summary>
    public static string SourceSql => """
        SELECT (pg_control_system()).system_identifier::text || '/' || current_database() || '/' || d.oid::text,
               pg_snapshot_xmax(pg_current_snapshot())::text::bigint
        FROM pg_database d WHERE d.datname = current_database()
        """;

    private string FacesSql(bool withEmbedding)
    {
            var (faces, assets) = Layout == ImmichLayout.Plural ? ("asset_faces", "assets") : ("asset_face", "asset");
            var (personId, join) = Layout == ImmichLayout.PersonGroups
                ? ("p.\"personGroupId\"", $"""
                    JOIN {faces} f ON f."personGroupId" = p."personGroupId"
                    JOIN {assets} a ON a.id = f."assetId" AND a."ownerId" = p."ownerId"
                    """)
                : ("p.id", $"""
                    JOIN {faces} f ON f."personId" = p.id
                    JOIN {assets} a ON a.id = f."assetId"
                    """);
            var faceDeleted = HasFaceDeletedAt ? "AND f.\"deletedAt\" IS NULL" : "";
            var faceVisible = HasFaceIsVisible ? "AND f.\"isVisible\"" : "";
            return $"""
                SELECT {personId}::text AS person_id, p.name, f.id AS face_id, s.xmin::text::bigint AS version{(withEmbedding ? ", array_send(s.embedding::real[]) AS embedding" : "")}
                FROM person p
                {join}
                JOIN face_search s ON s."faceId" = f.id
                WHERE {PersonRule.SqlCondition} AND a."deletedAt" IS NULL {faceDeleted} {faceVisible}
                """;
    }

    /// <summary>
    /// One text that changes whenever a row the gallery reads is added, changed or removed: per table
    /// (faces, assets, people, embeddings) the row count and the largest and summed <c>xmin</c> (the
    /// id of the transaction that wrote each row version, PostgreSQL 17 docs, "System Columns"), so
    /// every layout has it and no Immich column is relied on (docs/immich-facts.md, "Database layouts").
    /// </summary>
    public string FingerprintSql
    {
        get
        {
            var tables = Layout == ImmichLayout.Plural ? new[] { "asset_faces", "assets", "person", "face_search" } : ["asset_face", "asset", "person", "face_search"];
            return "SELECT " + string.Join(" || '/' || ", tables.Select(table =>
                $"(SELECT count(*)::text || '.' || coalesce(max(xmin::text::bigint), 0)::text || '.' || coalesce(sum(xmin::text::bigint), 0)::text FROM {table})"));
        }
    }

    /// <summary>One face's stored embedding; <c>face_search</c> has the same shape in every supported layout.</summary>
    public static string EmbeddingSql => """SELECT embedding::real[] FROM face_search WHERE "faceId" = $1""";

    public static async Task<ImmichSchema> DetectAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        // pg_catalog, not information_schema: the same (table, column) pairs in about 0.5 ms instead of
        // 4–10 ms, which is a tenth of a gallery refresh that finds nothing changed (issue 13, goal 5).
        await using var command = dataSource.CreateCommand("""
            SELECT c.relname::text, a.attname::text FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1)
              AND a.attnum > 0 AND NOT a.attisdropped
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Tables });
        var columns = new List<(string Table, string Column)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        return FromColumns(columns);
    }

    /// <summary>Decides the layout from (table, column) pairs, or refuses, naming what was found.</summary>
    public static ImmichSchema FromColumns(IReadOnlyCollection<(string Table, string Column)> columns)
    {
        var byTable = columns
            .GroupBy(c => c.Table, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Column).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        bool Has(string table, string column) => byTable.TryGetValue(table, out var set) && set.Contains(column);

        if (byTable.ContainsKey("asset_face") && byTable.ContainsKey("asset_faces"))
        {
            throw Refuse("both asset_face and asset_faces exist (a half-finished migration?)", byTable);
        }

        ImmichLayout layout;
        string faces;
        if (byTable.ContainsKey("asset_face"))
        {
            faces = "asset_face";
            layout = Has(faces, "personGroupId") ? ImmichLayout.PersonGroups
                : Has(faces, "personId") ? ImmichLayout.Singular
                : throw Refuse("asset_face has neither personId nor personGroupId", byTable);
        }
        else if (byTable.ContainsKey("asset_faces"))
        {
            faces = "asset_faces";
            if (Has(faces, "embedding") && !byTable.ContainsKey("face_search"))
            {
                throw Refuse("embeddings in asset_faces.embedding is the layout before Immich v1.107, which is not supported; upgrade Immich", byTable);
            }

            layout = ImmichLayout.Plural;
        }
        else
        {
            throw Refuse("no asset_face or asset_faces table in the current schema (is this Immich's database?)", byTable);
        }

        var assets = layout == ImmichLayout.Plural ? "assets" : "asset";
        string[] required = layout == ImmichLayout.PersonGroups
            ? [$"{faces}.id", $"{faces}.assetId", $"{assets}.id", $"{assets}.ownerId", $"{assets}.deletedAt", "person.personGroupId", "person.ownerId", "person.name", "person.isHidden", "face_search.faceId", "face_search.embedding"]
            : [$"{faces}.id", $"{faces}.assetId", $"{faces}.personId", $"{assets}.id", $"{assets}.deletedAt", "person.id", "person.name", "person.isHidden", "face_search.faceId", "face_search.embedding"];
        var missing = required.Where(r => !Has(r[..r.IndexOf('.', StringComparison.Ordinal)], r[(r.IndexOf('.', StringComparison.Ordinal) + 1)..])).ToList();
        if (missing.Count > 0)
        {
            throw Refuse($"layout {layout} lacks {string.Join(", ", missing)}", byTable);
        }

        return new ImmichSchema(layout, Has(faces, "deletedAt"), Has(faces, "isVisible"));
    }

    /// <summary>What was found, for the log: e.g. "asset_face(personGroupId, deletedAt, isVisible)".</summary>
    public string Describe() => (Layout == ImmichLayout.Plural ? "asset_faces" : "asset_face")
        + (Layout == ImmichLayout.PersonGroups ? "(personGroupId" : "(personId")
        + (HasFaceDeletedAt ? ", deletedAt" : "") + (HasFaceIsVisible ? ", isVisible" : "") + ")";

    private static UnsupportedImmichSchemaException Refuse(string problem, Dictionary<string, HashSet<string>> byTable)
    {
        var found = byTable.Count == 0
            ? "none of " + string.Join(", ", Tables)
            : string.Join("; ", byTable.OrderBy(t => t.Key, StringComparer.Ordinal)
                .Select(t => $"{t.Key}({string.Join(", ", t.Value.Order(StringComparer.Ordinal))})"));
        return new UnsupportedImmichSchemaException(
            $"Unsupported Immich database layout: {problem}. Found: {found}. Supported: Immich v1.107 and later (FaceSorter:Immich:DatabaseConnectionString).");
    }
}
