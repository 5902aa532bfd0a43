using Npgsql;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// A fresh database shaped like Immich's at one version (docs/immich-facts.md, "Database layouts"), with the columns
/// the gallery reads plus their neighbours. Embeddings are <c>real[]</c>: pgvector is not
/// installable here, and the gallery reads <c>embedding::real[]</c>, which works on both.
/// </summary>
public sealed class PostgresImmichDatabase : IAsyncDisposable
{
    /// <summary>v1.106: embeddings still in <c>asset_faces.embedding</c>, no <c>face_search</c> (refused).</summary>
    public const string V1106 = "v1.106";

    /// <summary>v1.130: plural tables, <c>face_search</c>, <c>asset_faces."deletedAt"</c>, no <c>isVisible</c>.</summary>
    public const string V1130 = "v1.130";

    /// <summary>v3.1: singular tables, <c>asset_face."personId"</c>, <c>deletedAt</c> and <c>isVisible</c>.</summary>
    public const string V31 = "v3.1";

    /// <summary>v3.2: person groups; <c>person</c> keyed by (<c>ownerId</c>, <c>personGroupId</c>).</summary>
    public const string V32 = "v3.2";

    private readonly PostgresDatabase _database;
    private readonly string _version;

    private PostgresImmichDatabase(PostgresDatabase database, string version)
    {
        _database = database;
        _version = version;
    }

    public NpgsqlDataSource DataSource => _database.DataSource;

    public string ConnectionString => _database.ConnectionString;

    private bool Plural => _version is V1106 or V1130;

    private string Faces => Plural ? "asset_faces" : "asset_face";

    private string Assets => Plural ? "assets" : "asset";

    public static async Task<PostgresImmichDatabase> CreateAsync(string version, CancellationToken cancellationToken)
    {
        var database = await PostgresDatabase.CreateAsync(cancellationToken);
        await database.ExecuteAsync(Ddl(version), cancellationToken);
        return new PostgresImmichDatabase(database, version);
    }

    public async Task<Guid> AddUserAsync(CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        var sql = _version == V32
            ? """INSERT INTO "user" (id, "clusterGroupId") VALUES ($1, (SELECT id FROM cluster_group LIMIT 1))"""
            : $"""INSERT INTO {(Plural ? "users" : "\"user\"")} (id) VALUES ($1)""";
        await ExecuteAsync(sql, cancellationToken, id);
        return id;
    }

    /// <summary>Adds a person owned by <paramref name="owner"/>; returns the id the API would show (the group id in v3.2).</summary>
    public async Task<Guid> AddPersonAsync(Guid owner, string name, CancellationToken cancellationToken, bool hidden = false)
    {
        var id = Guid.NewGuid();
        if (_version == V32)
        {
            await ExecuteAsync("""INSERT INTO person_group (id, "clusterGroupId") VALUES ($1, (SELECT id FROM cluster_group LIMIT 1))""", cancellationToken, id);
            await AddPersonRowAsync(owner, id, name, cancellationToken, hidden);
        }
        else
        {
            await ExecuteAsync("""INSERT INTO person (id, "ownerId", name, "isHidden") VALUES ($1, $2, $3, $4)""", cancellationToken, id, owner, name, hidden);
        }

        return id;
    }

    /// <summary>v3.2 only: another user's row for an existing person group (a shared cluster group).</summary>
    public Task AddPersonRowAsync(Guid owner, Guid personGroupId, string name, CancellationToken cancellationToken, bool hidden = false) =>
        ExecuteAsync("""INSERT INTO person ("ownerId", "personGroupId", name, "isHidden") VALUES ($1, $2, $3, $4)""", cancellationToken, owner, personGroupId, name, hidden);

    /// <summary>Adds an asset of <paramref name="owner"/> with one face of <paramref name="person"/> (or nobody) and its embedding.</summary>
    public async Task<Guid> AddFaceAsync(
        Guid owner,
        Guid? person,
        float[] embedding,
        CancellationToken cancellationToken,
        bool assetTrashed = false,
        bool faceDeleted = false,
        bool faceInvisible = false)
    {
        var asset = Guid.NewGuid();
        var face = Guid.NewGuid();
        await ExecuteAsync($"""INSERT INTO {Assets} (id, "ownerId", "deletedAt") VALUES ($1, $2, CASE WHEN $3 THEN now() END)""", cancellationToken, asset, owner, assetTrashed);
        var personColumn = _version == V32 ? "personGroupId" : "personId";
        var personValue = (object?)person ?? DBNull.Value;
        if (_version == V1106)
        {
            await ExecuteAsync($"""INSERT INTO {Faces} (id, "assetId", "{personColumn}", embedding) VALUES ($1, $2, $3, $4)""", cancellationToken, face, asset, personValue, embedding);
        }
        else if (_version == V1130)
        {
            await ExecuteAsync($"""INSERT INTO {Faces} (id, "assetId", "{personColumn}", "deletedAt") VALUES ($1, $2, $3, CASE WHEN $4 THEN now() END)""", cancellationToken, face, asset, personValue, faceDeleted);
        }
        else
        {
            await ExecuteAsync(
                $"""INSERT INTO {Faces} (id, "assetId", "{personColumn}", "deletedAt", "isVisible") VALUES ($1, $2, $3, CASE WHEN $4 THEN now() END, NOT $5)""",
                cancellationToken,
                face,
                asset,
                personValue,
                faceDeleted,
                faceInvisible);
        }

        if (_version != V1106)
        {
            await ExecuteAsync("""INSERT INTO face_search ("faceId", embedding) VALUES ($1, $2)""", cancellationToken, face, embedding);
        }

        return face;
    }

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private static string Ddl(string version) => version switch
    {
        V1106 or V1130 => $"""
            CREATE TABLE users (id uuid PRIMARY KEY, email varchar NOT NULL DEFAULT '', name varchar NOT NULL DEFAULT '');
            CREATE TABLE assets (
                id uuid PRIMARY KEY, "ownerId" uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                "originalPath" varchar NOT NULL DEFAULT '', "deletedAt" timestamptz, "isOffline" boolean NOT NULL DEFAULT false);
            CREATE TABLE person (
                id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "ownerId" uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name varchar NOT NULL DEFAULT '', "thumbnailPath" varchar NOT NULL DEFAULT '', "isHidden" boolean NOT NULL DEFAULT false,
                "birthDate" date, "faceAssetId" uuid);
            CREATE TABLE asset_faces (
                id uuid PRIMARY KEY, "assetId" uuid NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
                "personId" uuid REFERENCES person(id) ON DELETE SET NULL,
                "imageWidth" int NOT NULL DEFAULT 0, "imageHeight" int NOT NULL DEFAULT 0,
                "boundingBoxX1" int NOT NULL DEFAULT 0, "boundingBoxY1" int NOT NULL DEFAULT 0,
                "boundingBoxX2" int NOT NULL DEFAULT 0, "boundingBoxY2" int NOT NULL DEFAULT 0
                {(version == V1106 ? ", embedding real[]" : ", \"sourceType\" varchar NOT NULL DEFAULT 'machine-learning', \"deletedAt\" timestamptz")});
            {(version == V1106 ? "" : """CREATE TABLE face_search ("faceId" uuid PRIMARY KEY REFERENCES asset_faces(id) ON DELETE CASCADE, embedding real[] NOT NULL);""")}
            """,
        V31 => """
            CREATE TABLE "user" (id uuid PRIMARY KEY, email varchar NOT NULL DEFAULT '', name varchar NOT NULL DEFAULT '');
            CREATE TABLE asset (
                id uuid PRIMARY KEY, "ownerId" uuid NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
                "originalPath" varchar NOT NULL DEFAULT '', "deletedAt" timestamptz, visibility varchar NOT NULL DEFAULT 'timeline');
            CREATE TABLE person (
                id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "ownerId" uuid NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
                name varchar NOT NULL DEFAULT '', "thumbnailPath" varchar NOT NULL DEFAULT '', "isHidden" boolean NOT NULL DEFAULT false,
                "birthDate" date, "faceAssetId" uuid);
            CREATE TABLE asset_face (
                id uuid PRIMARY KEY, "assetId" uuid NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
                "personId" uuid REFERENCES person(id) ON DELETE SET NULL,
                "imageWidth" int NOT NULL DEFAULT 0, "imageHeight" int NOT NULL DEFAULT 0,
                "boundingBoxX1" int NOT NULL DEFAULT 0, "boundingBoxY1" int NOT NULL DEFAULT 0,
                "boundingBoxX2" int NOT NULL DEFAULT 0, "boundingBoxY2" int NOT NULL DEFAULT 0,
                "sourceType" varchar NOT NULL DEFAULT 'machine-learning', "deletedAt" timestamptz, "isVisible" boolean NOT NULL DEFAULT true);
            CREATE TABLE face_search ("faceId" uuid PRIMARY KEY REFERENCES asset_face(id) ON DELETE CASCADE, embedding real[] NOT NULL);
            """,
        V32 => """
            CREATE TABLE cluster_group (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name varchar NOT NULL DEFAULT '');
            INSERT INTO cluster_group DEFAULT VALUES;
            CREATE TABLE "user" (
                id uuid PRIMARY KEY, email varchar NOT NULL DEFAULT '', name varchar NOT NULL DEFAULT '',
                "clusterGroupId" uuid NOT NULL REFERENCES cluster_group(id));
            CREATE TABLE asset (
                id uuid PRIMARY KEY, "ownerId" uuid NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
                "originalPath" varchar NOT NULL DEFAULT '', "deletedAt" timestamptz, visibility varchar NOT NULL DEFAULT 'timeline');
            CREATE TABLE person_group (
                id uuid PRIMARY KEY, "clusterGroupId" uuid NOT NULL REFERENCES cluster_group(id) ON DELETE CASCADE,
                "createdAt" timestamptz NOT NULL DEFAULT now());
            CREATE TABLE person (
                "ownerId" uuid NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
                "personGroupId" uuid NOT NULL REFERENCES person_group(id) ON DELETE CASCADE,
                name varchar NOT NULL DEFAULT '', "thumbnailPath" varchar NOT NULL DEFAULT '', "isHidden" boolean NOT NULL DEFAULT false,
                "birthDate" date, "faceAssetId" uuid, PRIMARY KEY ("ownerId", "personGroupId"));
            CREATE TABLE asset_face (
                id uuid PRIMARY KEY, "assetId" uuid NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
                "personGroupId" uuid REFERENCES person_group(id) ON DELETE SET NULL,
                "imageWidth" int NOT NULL DEFAULT 0, "imageHeight" int NOT NULL DEFAULT 0,
                "boundingBoxX1" int NOT NULL DEFAULT 0, "boundingBoxY1" int NOT NULL DEFAULT 0,
                "boundingBoxX2" int NOT NULL DEFAULT 0, "boundingBoxY2" int NOT NULL DEFAULT 0,
                "sourceType" varchar NOT NULL DEFAULT 'machine-learning', "deletedAt" timestamptz, "isVisible" boolean NOT NULL DEFAULT true);
            CREATE TABLE face_search ("faceId" uuid PRIMARY KEY REFERENCES asset_face(id) ON DELETE CASCADE, embedding real[] NOT NULL);
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "no DDL for this Immich version"),
    };
}
