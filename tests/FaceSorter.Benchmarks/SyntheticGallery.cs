using FaceSorter.Immich.MachineLearning;
using FaceSorter.IntegrationTests.Support;
using Npgsql;
using NpgsqlTypes;

namespace FaceSorter.Benchmarks;

/// <summary>A gallery of <c>People × FacesPerPerson</c> random 512-d faces, in memory or in an Immich-shaped database.</summary>
internal static class SyntheticGallery
{
    public const int People = 2_000;
    public const int FacesPerPerson = 50;
    public const int Faces = People * FacesPerPerson;

    public static float[] RandomVector(Random random)
    {
        var vector = new float[MachineLearningVectors.Dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (random.NextSingle() * 2) - 1;
        }

        return vector;
    }

    public static GallerySnapshot InMemory() => InMemory(Faces);

    /// <summary><paramref name="faces"/> random faces, <see cref="FacesPerPerson"/> a person (float32 vectors in a temporary file beyond 256 MB).</summary>
    public static GallerySnapshot InMemory(int faces)
    {
        var random = new Random(1);
        var builder = new GalleryBuilder(faces, TimeProvider.System);
        var vector = new float[MachineLearningVectors.Dimensions];
        for (var face = 0; face < faces; face++)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] = (random.NextSingle() * 2) - 1;
            }

            var person = face / FacesPerPerson;
            builder.Add($"person-{person}", $"Person {person}", Guid.NewGuid(), vector);
        }

        return builder.Build();
    }

    /// <summary>Fills a v3.1-shaped database with COPY (one user, <see cref="People"/> people, one asset per face).</summary>
    public static async Task SeedAsync(PostgresImmichDatabase database, int faces, CancellationToken cancellationToken)
    {
        var random = new Random(2);
        var owner = await database.AddUserAsync(cancellationToken);
        var people = new Guid[People];
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using (var importer = await connection.BeginBinaryImportAsync("""COPY person (id, "ownerId", name) FROM STDIN (FORMAT BINARY)""", cancellationToken))
        {
            for (var p = 0; p < people.Length; p++)
            {
                people[p] = Guid.NewGuid();
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(people[p], NpgsqlDbType.Uuid, cancellationToken);
                await importer.WriteAsync(owner, NpgsqlDbType.Uuid, cancellationToken);
                await importer.WriteAsync($"Person {p}", NpgsqlDbType.Varchar, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        var faceIds = new Guid[faces];
        await using (var assets = await connection.BeginBinaryImportAsync("""COPY asset (id, "ownerId") FROM STDIN (FORMAT BINARY)""", cancellationToken))
        {
            for (var f = 0; f < faces; f++)
            {
                faceIds[f] = Guid.NewGuid();
                await assets.StartRowAsync(cancellationToken);
                await assets.WriteAsync(faceIds[f], NpgsqlDbType.Uuid, cancellationToken);
                await assets.WriteAsync(owner, NpgsqlDbType.Uuid, cancellationToken);
            }

            await assets.CompleteAsync(cancellationToken);
        }

        await using (var assetFaces = await connection.BeginBinaryImportAsync("""COPY asset_face (id, "assetId", "personId") FROM STDIN (FORMAT BINARY)""", cancellationToken))
        {
            for (var f = 0; f < faces; f++)
            {
                await assetFaces.StartRowAsync(cancellationToken);
                await assetFaces.WriteAsync(faceIds[f], NpgsqlDbType.Uuid, cancellationToken);
                await assetFaces.WriteAsync(faceIds[f], NpgsqlDbType.Uuid, cancellationToken);
                await assetFaces.WriteAsync(people[f % People], NpgsqlDbType.Uuid, cancellationToken);
            }

            await assetFaces.CompleteAsync(cancellationToken);
        }

        await using (var search = await connection.BeginBinaryImportAsync("""COPY face_search ("faceId", embedding) FROM STDIN (FORMAT BINARY)""", cancellationToken))
        {
            for (var f = 0; f < faces; f++)
            {
                await search.StartRowAsync(cancellationToken);
                await search.WriteAsync(faceIds[f], NpgsqlDbType.Uuid, cancellationToken);
                await search.WriteAsync(RandomVector(random), NpgsqlDbType.Array | NpgsqlDbType.Real, cancellationToken);
            }

            await search.CompleteAsync(cancellationToken);
        }

        await using var analyze = new NpgsqlCommand("ANALYZE", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }
}
