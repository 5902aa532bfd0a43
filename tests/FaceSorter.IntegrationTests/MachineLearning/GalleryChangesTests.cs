using FaceSorter.Immich.MachineLearning;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Options;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace FaceSorter.IntegrationTests.MachineLearning;

/// <summary>
/// Issue 13, goal 5: a refresh, and a start from the copy on disk, read only the embeddings written
/// since, and still give exactly what a full read gives (docs/matching.md, "Gallery refresh").
/// </summary>
public sealed class GalleryChangesTests : IDisposable
{
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(60));
    private readonly MachineLearningVectors _vectors = new();
    private readonly DirectoryInfo _dataFolder = Directory.CreateTempSubdirectory("facesorter-gallery-");

    private CancellationToken Token => _deadline.Token;

    public void Dispose()
    {
        _deadline.Dispose();
        _dataFolder.Delete(recursive: true);
    }

    [Theory]
    [InlineData(PostgresImmichDatabase.V1130)]
    [InlineData(PostgresImmichDatabase.V31)]
    [InlineData(PostgresImmichDatabase.V32)]
    public async Task A_refresh_reads_only_new_and_rewritten_embeddings_and_gives_what_a_full_read_gives(string version)
    {
        await using var db = await PostgresImmichDatabase.CreateAsync(version, Token);
        var owner = await db.AddUserAsync(Token);
        var alice = await db.AddPersonAsync(owner, "Alice", Token);
        var bob = await db.AddPersonAsync(owner, "Bob", Token);
        var aliceFirst = await db.AddFaceAsync(owner, alice, _vectors.Random(), Token);
        await db.AddFaceAsync(owner, alice, _vectors.Random(), Token);
        var bobFirst = await db.AddFaceAsync(owner, bob, _vectors.Random(), Token);
        var logger = new FakeLogger<GalleryLoader>();
        var loader = new GalleryLoader(db.DataSource, TimeProvider.System, logger);
        var before = await loader.LoadAsync(Token);

        await db.AddFaceAsync(owner, bob, _vectors.Random(), Token);
        await db.ExecuteAsync("""UPDATE face_search SET embedding = $1 WHERE "faceId" = $2""", Token, _vectors.Random(), aliceFirst);
        await db.ExecuteAsync("""DELETE FROM face_search WHERE "faceId" = $1""", Token, bobFirst);
        await db.ExecuteAsync("UPDATE person SET name = 'Alicia' WHERE name = 'Alice'", Token);
        logger.Collector.Clear();
        var refreshed = await loader.LoadAsync(before, Token);

        logger.Collector.GetSnapshot().Select(r => r.Message).Should().Contain(
            m => m.StartsWith("Gallery: 3 faces listed in Immich's database, 2 embeddings read (new or rewritten), 1 faces gone", StringComparison.Ordinal));
        Faces(refreshed).Should().BeEquivalentTo(Faces(await loader.LoadAsync(Token)));
        refreshed.People.Select(p => p.Name).Should().BeEquivalentTo("Alicia", "Bob");
    }

    [Fact]
    public async Task A_start_reads_the_copy_on_disk_and_then_only_what_changed_while_it_was_stopped()
    {
        await using var db = await PostgresImmichDatabase.CreateAsync(PostgresImmichDatabase.V31, Token);
        var owner = await db.AddUserAsync(Token);
        var alice = await db.AddPersonAsync(owner, "Alice", Token);
        await db.AddFaceAsync(owner, alice, _vectors.Random(), Token);
        await db.AddFaceAsync(owner, alice, _vectors.Random(), Token);
        using (var first = NewGallery(db, new FakeLogger<GalleryLoader>()))
        {
            await first.RefreshAsync(Token);
            await first.CopyWritten;
        }

        File.Exists(Path.Combine(_dataFolder.FullName, GalleryCopyFile.FileName)).Should().BeTrue();
        await db.AddFaceAsync(owner, await db.AddPersonAsync(owner, "Bob", Token), _vectors.Random(), Token);
        var logger = new FakeLogger<GalleryLoader>();
        using var second = NewGallery(db, logger);

        var started = await second.GetAsync(Token);

        var messages = logger.Collector.GetSnapshot().Select(r => r.Message).ToList();
        messages.Should().Contain(m => m.StartsWith("Gallery copy on disk read: 2 faces", StringComparison.Ordinal));
        messages.Should().Contain(m => m.StartsWith("Gallery: 3 faces listed in Immich's database, 1 embeddings read (new or rewritten), 0 faces gone", StringComparison.Ordinal));
        Faces(started).Should().BeEquivalentTo(Faces(await new GalleryLoader(db.DataSource, TimeProvider.System, logger).LoadAsync(Token)));
    }

    [Fact]
    public async Task A_copy_on_disk_from_another_database_is_not_trusted_and_every_face_is_read()
    {
        await using var other = await PostgresImmichDatabase.CreateAsync(PostgresImmichDatabase.V31, Token);
        var otherOwner = await other.AddUserAsync(Token);
        await other.AddFaceAsync(otherOwner, await other.AddPersonAsync(otherOwner, "Mallory", Token), _vectors.Random(), Token);
        using (var first = NewGallery(other, new FakeLogger<GalleryLoader>()))
        {
            await first.RefreshAsync(Token);
            await first.CopyWritten;
        }

        await using var db = await PostgresImmichDatabase.CreateAsync(PostgresImmichDatabase.V31, Token);
        var owner = await db.AddUserAsync(Token);
        await db.AddFaceAsync(owner, await db.AddPersonAsync(owner, "Alice", Token), _vectors.Random(), Token);
        var logger = new FakeLogger<GalleryLoader>();
        using var gallery = NewGallery(db, logger);

        var started = await gallery.GetAsync(Token);

        logger.Collector.GetSnapshot().Select(r => r.Message).Should().Contain(
            m => m.StartsWith("Gallery: reading every face again because it was read from another database or layout", StringComparison.Ordinal));
        started.People.Select(p => p.Name).Should().Equal("Alice");
        Faces(started).Should().BeEquivalentTo(Faces(await new GalleryLoader(db.DataSource, TimeProvider.System, logger).LoadAsync(Token)));
    }

    [Fact]
    public async Task A_copy_on_disk_that_was_cut_short_is_not_used_and_every_face_is_read()
    {
        await using var db = await PostgresImmichDatabase.CreateAsync(PostgresImmichDatabase.V31, Token);
        var owner = await db.AddUserAsync(Token);
        await db.AddFaceAsync(owner, await db.AddPersonAsync(owner, "Alice", Token), _vectors.Random(), Token);
        using (var first = NewGallery(db, new FakeLogger<GalleryLoader>()))
        {
            await first.RefreshAsync(Token);
            await first.CopyWritten;
        }

        var path = Path.Combine(_dataFolder.FullName, GalleryCopyFile.FileName);
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(file.Length - 100);
        }

        var logger = new FakeLogger<GalleryLoader>();
        using var gallery = NewGallery(db, logger);

        var started = await gallery.GetAsync(Token);

        logger.Collector.GetSnapshot().Select(r => r.Message).Should().Contain(m => m.StartsWith($"Gallery copy on disk {path} not used", StringComparison.Ordinal));
        started.People.Select(p => p.Name).Should().Equal("Alice");
        started.Count.Should().Be(1);
    }

    /// <summary>Per face id: person, and the float32 vector as exact bits.</summary>
    /// <summary>Each face's person, float32 vector and both codes (8-bit and 2-bit, with their scales and bounds) as text.</summary>
    private static Dictionary<Guid, (string Person, string Vector, string Codes)> Faces(GallerySnapshot snapshot)
    {
        var faces = new Dictionary<Guid, (string, string, string)>();
        var vector = new float[snapshot.Dimensions];
        var coarse = snapshot.Coarse;
        for (var row = 0; row < snapshot.Count; row++)
        {
            snapshot.ReadExact(row, vector);
            var codes = Convert.ToHexString(System.Runtime.InteropServices.MemoryMarshal.AsBytes(snapshot.Codes.Slice(row * snapshot.Dimensions, snapshot.Dimensions)))
                + $" {snapshot.Scales[row]:R} {snapshot.Errors[row]:R} "
                + Convert.ToHexString(coarse.Codes.Slice(row * coarse.BytesPerRow, coarse.BytesPerRow))
                + $" {coarse.Steps[row]:R} {coarse.Errors[row]:R}";
            faces.Add(snapshot.RowFace[row], (snapshot.People[snapshot.RowPerson[row]].Name, Convert.ToHexString(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan())), codes));
        }

        return faces;
    }

    private Gallery NewGallery(PostgresImmichDatabase db, FakeLogger<GalleryLoader> logger)
    {
        var location = new StoreLocation(
            Microsoft.Extensions.Options.Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_dataFolder.FullName, "facesorter.db")}" }),
            Microsoft.Extensions.Options.Options.Create(new DirectoriesOptions()));
        return new Gallery(new GalleryLoader(db.DataSource, TimeProvider.System, logger, store: null, location), TimeProvider.System);
    }
}
