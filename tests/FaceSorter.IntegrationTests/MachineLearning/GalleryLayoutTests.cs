using FaceSorter.Decisions;
using FaceSorter.Immich.MachineLearning;
using FaceSorter.Immich;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.MachineLearning;

/// <summary>
/// MachineLearning mode end to end on one Immich database layout: real PostgreSQL, the ML
/// emulator on a real port, the services as <c>AddImmichMachineLearning</c> registers them.
/// Each test gets a fresh database. Subclasses name the layout.
/// </summary>
public abstract class GalleryLayoutTests : IAsyncLifetime, IDisposable
{
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(60));
    private readonly MachineLearningVectors _vectors = new();
    private readonly string _immichVersion;
    private MachineLearningHarness _harness = null!;

    protected GalleryLayoutTests(string immichVersion, ImmichLayout layout)
    {
        _immichVersion = immichVersion;
        Layout = layout;
    }

    protected ImmichLayout Layout { get; }

    protected CancellationToken Token => _deadline.Token;

    protected MachineLearningHarness Harness => _harness;

    protected PostgresImmichDatabase Database => _harness.Database;

    protected MachineLearningVectors Vectors => _vectors;

    public async ValueTask InitializeAsync() => _harness = await MachineLearningHarness.StartAsync(_immichVersion, Token);

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        Dispose();
        GC.SuppressFinalize(this);
    }

    public void Dispose()
    {
        _deadline.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task The_layout_is_detected_from_information_schema()
    {
        var schema = await ImmichSchema.DetectAsync(Database.DataSource, Token);

        schema.Layout.Should().Be(Layout);
    }

    [Fact]
    public async Task The_gallery_holds_named_visible_people_and_their_live_faces_only()
    {
        var owner = await Database.AddUserAsync(Token);
        var alice = await Database.AddPersonAsync(owner, "Alice", Token);
        var bob = await Database.AddPersonAsync(owner, "Bob", Token);
        var hidden = await Database.AddPersonAsync(owner, "Carol", Token, hidden: true);
        var unnamed = await Database.AddPersonAsync(owner, "", Token);
        await Database.AddFaceAsync(owner, alice, _vectors.Random(), Token);
        await Database.AddFaceAsync(owner, alice, _vectors.Random(), Token);
        await Database.AddFaceAsync(owner, bob, _vectors.Random(), Token);
        await Database.AddFaceAsync(owner, hidden, _vectors.Random(), Token);
        await Database.AddFaceAsync(owner, unnamed, _vectors.Random(), Token);
        await Database.AddFaceAsync(owner, null, _vectors.Random(), Token);
        await Database.AddFaceAsync(owner, alice, _vectors.Random(), Token, assetTrashed: true);
        await Database.AddFaceAsync(owner, alice, _vectors.Random(), Token, faceDeleted: true);
        if (Layout != ImmichLayout.Plural)
        {
            await Database.AddFaceAsync(owner, alice, _vectors.Random(), Token, faceInvisible: true);
        }

        var gallery = await Harness.Gallery.RefreshAsync(Token);

        gallery.People.Select(p => p.Name).Should().BeEquivalentTo("Alice", "Bob");
        gallery.People.Single(p => p.Name == "Alice").PersonId.Should().Be(alice.ToString());
        gallery.Count.Should().Be(3);
        gallery.Dimensions.Should().Be(MachineLearningVectors.Dimensions);
    }

    [Fact]
    public async Task A_refresh_that_finds_more_named_faces_says_the_gallery_grew_even_the_first_time()
    {
        var owner = await Database.AddUserAsync(Token);
        var alice = await Database.AddPersonAsync(owner, "Alice", Token);
        await Database.AddFaceAsync(owner, alice, _vectors.Random(), Token);
        var grew = 0;
        Harness.Gallery.Grew += () => Interlocked.Increment(ref grew);

        await Harness.Gallery.RefreshAsync(Token);
        grew.Should().Be(0, "the first load is where the gallery starts, not growth");
        await Database.AddFaceAsync(owner, alice, _vectors.Random(), Token);
        await Harness.Gallery.RefreshAsync(Token);
        grew.Should().Be(1, "the second look watches this to ask about review items again");
        await Harness.Gallery.RefreshAsync(Token);
        grew.Should().Be(1, "nothing new");
    }

    [Fact]
    public async Task A_face_near_a_named_face_is_recognised_with_confidence_one_minus_the_distance()
    {
        var owner = await Database.AddUserAsync(Token);
        var alice = await Database.AddPersonAsync(owner, "Alice", Token);
        var bob = await Database.AddPersonAsync(owner, "Bob", Token);
        var seen = _vectors.Random();
        await Database.AddFaceAsync(owner, alice, _vectors.AtDistance(seen, 0.3, length: 23), Token);
        await Database.AddFaceAsync(owner, alice, _vectors.AtDistance(seen, 0.45), Token);
        await Database.AddFaceAsync(owner, bob, _vectors.AtDistance(seen, 0.6), Token);
        Harness.Emulator.Answer = _ => MachineLearningEmulator.Faces(
            new MachineLearningEmulatorFace(Scale(seen, 17), Score: 0.93, new FaceBox(-12, 40, 210, 300)),
            new MachineLearningEmulatorFace(_vectors.Random(), Score: 0.88),
            new MachineLearningEmulatorFace(_vectors.AtDistance(seen, 0.1), Score: 0.5));

        var check = await Harness.FaceService.CheckAsync(await Harness.ImageAsync("photo.jpg", Token), Token);

        var faces = check.Should().BeOfType<FaceCheck.Analyzed>().Which.Faces;
        faces.Should().HaveCount(2, "the face scored 0.5 is below MinScore 0.7");
        faces[0].Person.Should().Be("Alice");
        faces[0].PersonId.Should().Be(alice.ToString());
        faces[0].Confidence.Should().BeApproximately(0.7, 1e-5);
        faces[0].RunnerUp.Should().BeNull();
        faces[0].Box.Should().Be(new FaceBox(-12, 40, 210, 300));
        faces[1].Person.Should().BeNull("a random face is about distance 1 from everyone");
        faces[1].Confidence.Should().BeNull();
    }

    [Fact]
    public async Task Another_person_within_the_margin_makes_the_match_ambiguous()
    {
        var owner = await Database.AddUserAsync(Token);
        var alice = await Database.AddPersonAsync(owner, "Alice", Token);
        var bob = await Database.AddPersonAsync(owner, "Bob", Token);
        var seen = _vectors.Random();
        await Database.AddFaceAsync(owner, alice, _vectors.AtDistance(seen, 0.30), Token);
        await Database.AddFaceAsync(owner, bob, _vectors.AtDistance(seen, 0.33), Token);
        Harness.Emulator.Answer = _ => MachineLearningEmulator.Faces(new MachineLearningEmulatorFace(seen));

        var check = await Harness.FaceService.CheckAsync(await Harness.ImageAsync("two.jpg", Token), Token);

        var face = check.Should().BeOfType<FaceCheck.Analyzed>().Which.Faces.Should().ContainSingle().Which;
        face.Person.Should().Be("Alice");
        face.RunnerUp.Should().Be("Bob");
    }

    [Fact]
    public async Task The_distance_from_a_stored_face_to_its_person_leaves_the_face_itself_out()
    {
        var owner = await Database.AddUserAsync(Token);
        var alice = await Database.AddPersonAsync(owner, "Alice", Token);
        var anchor = _vectors.Random();
        var uploaded = await Database.AddFaceAsync(owner, alice, anchor, Token);
        await Database.AddFaceAsync(owner, alice, _vectors.AtDistance(anchor, 0.2), Token);
        await Database.AddFaceAsync(owner, alice, _vectors.AtDistance(anchor, 0.4), Token);

        var face = await Harness.GalleryDistance.ReadFaceAsync(uploaded, "Alice", Token);
        var distance = GalleryDistance.Distance(await Harness.Gallery.GetAsync(Token), face!);

        distance.Should().BeApproximately(0.2, 1e-5);
        (await Harness.GalleryDistance.ReadFaceAsync(Guid.NewGuid(), "Alice", Token)).Should().BeNull("that face has no stored embedding");
    }

    private static float[] Scale(float[] vector, float factor) => vector.Select(x => x * factor).ToArray();
}
