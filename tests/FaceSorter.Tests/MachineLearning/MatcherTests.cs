using FaceSorter.Immich;
using FaceSorter.Immich.MachineLearning;

namespace FaceSorter.Tests.MachineLearning;

/// <summary>
/// The match rule at its boundaries. Vectors are built on axes: the query is e0 and a gallery face
/// with similarity c on axis k is c·e0 + √(1−c²)·e_k, so every distance is exact by construction.
/// </summary>
public sealed class MatcherTests
{
    private const int Dimensions = 512;
    private static readonly MatchRules Rules = new(MaxDistance: 0.5, MinMargin: 0.05);

    [Fact]
    public void A_face_exactly_MaxDistance_from_a_named_face_matches()
    {
        var gallery = Gallery(("Alice", 0.5f));

        var match = Matcher.Match(gallery, Query(), Rules);

        match.Should().NotBeNull();
        match!.Person.Name.Should().Be("Alice");
        match.Distance.Should().Be(0.5);
        match.Confidence.Should().Be(0.5);
    }

    [Fact]
    public void A_face_just_beyond_MaxDistance_matches_nobody()
    {
        var gallery = Gallery(("Alice", 0.499f));

        Matcher.Match(gallery, Query(), Rules).Should().BeNull();
    }

    [Fact]
    public void A_face_at_one_minus_MinConfidence_has_exactly_MinConfidence()
    {
        const double minConfidence = 0.6;
        var gallery = Gallery(("Alice", (float)minConfidence));

        var match = Matcher.Match(gallery, Query(), Rules);

        match!.Confidence.Should().Be(minConfidence, "the decider compares confidence < MinConfidence, so this face must not count as low");
    }

    public static TheoryData<string, float, float, double, string?> Margins => new()
    {
        // case,                                  Alice, Bob,  margin, runner-up
        { "Bob far behind",                        0.8f,  0.4f, 0.05,   null },
        { "Bob within the margin",                 0.8f,  0.78f, 0.05,  "Bob" },
        { "Bob exactly at the margin",             0.7f,  0.65f, 0.05,  "Bob" },
        { "Bob just beyond the margin",            0.7f,  0.649f, 0.05, null },
        { "Bob within margin but past MaxDistance", 0.52f, 0.49f, 0.05, "Bob" },
        { "no margin: only a tie is ambiguous",    0.7f,  0.7f, 0.0,    "Bob" },
    };

    [Theory]
    [MemberData(nameof(Margins))]
    public void A_different_person_within_MinMargin_of_the_best_is_the_runner_up(string @case, float alice, float bob, double margin, string? runnerUp)
    {
        var gallery = Gallery(("Alice", alice), ("Bob", bob));

        var match = Matcher.Match(gallery, Query(), Rules with { MinMargin = margin });

        match!.Person.Name.Should().Be("Alice", @case);
        (match.RunnerUp?.Name).Should().Be(runnerUp, @case);
    }

    [Fact]
    public void A_second_face_of_the_same_person_within_the_margin_is_not_ambiguous()
    {
        var gallery = Gallery(("Alice", 0.8f), ("Alice", 0.79f), ("Bob", 0.5f));

        var match = Matcher.Match(gallery, Query(), Rules);

        match!.Person.Name.Should().Be("Alice");
        match.RunnerUp.Should().BeNull();
    }

    [Fact]
    public void Clusters_with_the_same_sanitised_name_are_one_person()
    {
        var gallery = Gallery(("John Doe", 0.8f), ("john-doe", 0.79f));

        var match = Matcher.Match(gallery, Query(), Rules);

        match!.Person.Key.Should().Be("john_doe");
        match.RunnerUp.Should().BeNull();
    }

    [Fact]
    public void The_nearest_face_decides_not_the_number_of_faces()
    {
        var gallery = Gallery(("Bob", 0.7f), ("Bob", 0.71f), ("Bob", 0.72f), ("Alice", 0.9f));

        var match = Matcher.Match(gallery, Query(), Rules);

        match!.Person.Name.Should().Be("Alice");
        match.Distance.Should().BeApproximately(0.1, 1e-6);
    }

    [Fact]
    public void An_empty_gallery_matches_nobody()
    {
        Matcher.Match(GallerySnapshot.Empty, Query(), Rules).Should().BeNull();
    }

    [Fact]
    public void An_embedding_of_another_size_than_the_gallery_is_an_outage_not_a_verdict()
    {
        var gallery = Gallery(("Alice", 0.9f));

        var act = () => Matcher.Match(gallery, new float[128], Rules);

        act.Should().Throw<FaceServiceUnavailableException>().WithMessage("*128*512*ModelName*");
    }

    [Fact]
    public void Distance_to_a_person_leaves_out_the_face_itself()
    {
        var self = Guid.NewGuid();
        var builder = new GalleryBuilder(3, TimeProvider.System);
        builder.Add("p1", "Alice", self, Face(1.0f, 1));
        builder.Add("p1", "Alice", Guid.NewGuid(), Face(0.75f, 2));
        builder.Add("p2", "Bob", Guid.NewGuid(), Face(0.95f, 3));
        var gallery = builder.Build();

        Matcher.DistanceToPerson(gallery, Query(), "alice", self).Should().Be(0.25);
        Matcher.DistanceToPerson(gallery, Query(), "alice").Should().Be(0);
        Matcher.DistanceToPerson(gallery, Query(), "carol").Should().BeNull();
    }

    [Fact]
    public void The_builder_skips_unusable_names_and_vectors()
    {
        var builder = new GalleryBuilder(1, TimeProvider.System);

        builder.Add("p1", "???", Guid.NewGuid(), Face(0.9f, 1)).Should().BeFalse();
        builder.Add("p2", "Alice", Guid.NewGuid(), new float[Dimensions]).Should().BeFalse();
        builder.Add("p2", "Alice", Guid.NewGuid(), Face(0.9f, 1)).Should().BeTrue();
        builder.Add("p2", "Alice", Guid.NewGuid(), new float[3]).Should().BeFalse();
        builder.Add("p3", "Bob", Guid.NewGuid(), Face(0.5f, 2)).Should().BeTrue();

        var gallery = builder.Build();
        gallery.Count.Should().Be(2);
        gallery.People.Select(p => p.Name).Should().Equal("Alice", "Bob");
        (builder.SkippedForName, builder.SkippedForVector).Should().Be((1, 2));
    }

    private static GallerySnapshot Gallery(params (string Name, float Similarity)[] faces)
    {
        var builder = new GalleryBuilder(faces.Length, TimeProvider.System);
        for (var i = 0; i < faces.Length; i++)
        {
            builder.Add("id-" + faces[i].Name, faces[i].Name, Guid.NewGuid(), Face(faces[i].Similarity, i + 1)).Should().BeTrue();
        }

        return builder.Build();
    }

    private static float[] Query()
    {
        var query = new float[Dimensions];
        query[0] = 1;
        return query;
    }

    /// <summary>A unit vector with cosine similarity <paramref name="similarity"/> to e0, leaning towards axis <paramref name="axis"/>.</summary>
    private static float[] Face(float similarity, int axis)
    {
        var face = new float[Dimensions];
        face[0] = similarity;
        face[axis] = MathF.Sqrt(1 - (similarity * similarity));
        return face;
    }
}
