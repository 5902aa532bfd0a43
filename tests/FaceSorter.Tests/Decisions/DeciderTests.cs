using FaceSorter.Decisions;
using FaceSorter.Tests.Support;

namespace FaceSorter.Tests.Decisions;

public sealed class DeciderTests
{
    private static DecisionRules Rules(string[]? whitelist = null, string[]? blacklist = null, double minConfidence = 0.6, int maxFaces = 1, double minFaceAreaRatio = 0, int nearMax = 12) =>
        new(
            (whitelist ?? []).Select(name => PersonName.Sanitize(name)!).ToHashSet(),
            (blacklist ?? []).Select(name => PersonName.Sanitize(name)!).ToHashSet(),
            minConfidence,
            maxFaces,
            minFaceAreaRatio,
            nearMax);

    private static DecisionInput Near(int distance, string state = "sorted") =>
        new(null, null, [Some.Face("Alice", 0.9)], new NearCopy("/faces/alice/a.jpg", state, distance, 600, 400, 1200, 800));

    public static TheoryData<string, DecisionInput, DecisionRules, SortReason, string?> Table => new()
    {
        { "rule 0: invalid wins over everything", new DecisionInput("not an image", new ExactCopy("x.jpg", "sorted"), [Some.Face("Alice", 0.9)]), Rules(), SortReason.Invalid, null },
        { "rule 1: duplicate", new DecisionInput(null, new ExactCopy("faces/alice/x.jpg", "sorted"), [Some.Face("Alice", 0.9)]), Rules(), SortReason.Duplicate, null },
        { "rule 1 wins over 1b: an exact duplicate is named so", new DecisionInput(null, new ExactCopy("faces/alice/x.jpg", "sorted"), [], new NearCopy("x", "sorted", 0, 1, 1, 1, 1)), Rules(), SortReason.Duplicate, null },
        { "rule 1b: distance 0 is a near duplicate", Near(0), Rules(), SortReason.NearDuplicate, null },
        { "rule 1b: exactly NearDuplicateMaxDistance is a near duplicate", Near(12), Rules(), SortReason.NearDuplicate, null },
        { "rule 1b: one bit beyond NearDuplicateMaxDistance is not", Near(13), Rules(), SortReason.Sorted, "alice" },
        { "rule 1b: distance 1 at NearDuplicateMaxDistance 1 is", Near(1), Rules(nearMax: 1), SortReason.NearDuplicate, null },
        { "rule 1b: distance 2 at NearDuplicateMaxDistance 1 is not", Near(2), Rules(nearMax: 1), SortReason.Sorted, "alice" },
        { "rule 1b: NearDuplicateMaxDistance 0 switches it off, even at distance 0", Near(0), Rules(nearMax: 0), SortReason.Sorted, "alice" },
        { "rule 1b: the largest setting, 16, at distance 16", Near(16), Rules(nearMax: 16), SortReason.NearDuplicate, null },
        { "rule 2: no face", DecisionInput.WithFaces([]), Rules(), SortReason.NoFace, null },
        { "rule 3: two faces, one allowed", DecisionInput.WithFaces([Some.Face("Alice", 0.9), Some.Face("Bob", 0.9)]), Rules(), SortReason.MultipleFaces, null },
        { "rule 3: small second face ignored by MinFaceAreaRatio", DecisionInput.WithFaces([Some.Face("Alice", 0.9, size: 100), Some.Face(null, null, size: 20)]), Rules(minFaceAreaRatio: 0.1), SortReason.Sorted, "alice" },
        { "rule 3: face exactly at MinFaceAreaRatio counts", DecisionInput.WithFaces([Some.Face("Alice", 0.9, size: 100), Some.Face(null, null, size: 50)]), Rules(minFaceAreaRatio: 0.25), SortReason.MultipleFaces, null },
        { "rule 3: two faces of different people allowed by count are still several people", DecisionInput.WithFaces([Some.Face("Alice", 0.9), Some.Face("Bob", 0.9)]), Rules(maxFaces: 2), SortReason.MultipleFaces, null },
        { "rule 4: blacklisted person", DecisionInput.WithFaces([Some.Face("Eve Smith", 0.95)]), Rules(blacklist: ["eve smith"]), SortReason.UnwantedPerson, "eve_smith" },
        { "rule 4: blacklist beats whitelist", DecisionInput.WithFaces([Some.Face("Eve", 0.95)]), Rules(whitelist: ["Eve"], blacklist: ["Eve"]), SortReason.UnwantedPerson, "eve" },
        { "rule 5: unnamed face", DecisionInput.WithFaces([Some.Face(null, null)]), Rules(), SortReason.UnknownPerson, null },
        { "rule 5: face of a hidden person", DecisionInput.WithFaces([Some.Face(null, null) with { HiddenPerson = "Mona" }]), Rules(whitelist: ["Mona"]), SortReason.UnknownPerson, null },
        { "rule 5: name that sanitises to nothing is no name", DecisionInput.WithFaces([Some.Face("..", 0.9)]), Rules(), SortReason.UnknownPerson, null },
        { "rule 5: name of only punctuation is no name", DecisionInput.WithFaces([Some.Face("!?*", 0.9)]), Rules(), SortReason.UnknownPerson, null },
        { "rule 6: not on a non-empty whitelist", DecisionInput.WithFaces([Some.Face("Bob", 0.9)]), Rules(whitelist: ["Alice"]), SortReason.NotWhitelisted, "bob" },
        { "rule 6: empty whitelist allows everyone", DecisionInput.WithFaces([Some.Face("Bob", 0.9)]), Rules(), SortReason.Sorted, "bob" },
        { "rule 6: whitelist matches by sanitised name", DecisionInput.WithFaces([Some.Face("John Doe", 0.9)]), Rules(whitelist: ["john-doe"]), SortReason.Sorted, "john_doe" },
        { "rule 7: below MinConfidence", DecisionInput.WithFaces([Some.Face("Alice", 0.59)]), Rules(), SortReason.LowConfidence, "alice" },
        { "rule 7: exactly MinConfidence is enough", DecisionInput.WithFaces([Some.Face("Alice", 0.6)]), Rules(), SortReason.Sorted, "alice" },
        { "rule 7: ambiguous match is low confidence", DecisionInput.WithFaces([Some.Face("Alice", 0.9, runnerUp: "Bob")]), Rules(), SortReason.LowConfidence, "alice" },
        { "rule 7: unknown confidence (Upload mode) does not apply", DecisionInput.WithFaces([Some.Face("Alice", null)]), Rules(minConfidence: 0.99), SortReason.Sorted, "alice" },
        { "rule 8: one wanted person", DecisionInput.WithFaces([Some.Face("Alice", 0.8)]), Rules(whitelist: ["alice"]), SortReason.Sorted, "alice" },
        { "rule 8: two faces of the same person when allowed", DecisionInput.WithFaces([Some.Face("Alice", 0.8), Some.Face("Alice", 0.7)]), Rules(maxFaces: 2), SortReason.Sorted, "alice" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Rules_are_applied_in_design_order(string rule, DecisionInput input, DecisionRules rules, SortReason expected, string? person)
    {
        var decision = Decider.Decide(input, rules);

        decision.Reason.Should().Be(expected, rule);
        decision.Person.Should().Be(person, rule);
    }

    [Fact]
    public void Ambiguous_match_names_both_people_in_the_reason()
    {
        var decision = Decider.Decide(DecisionInput.WithFaces([Some.Face("Alice", 0.9, runnerUp: "Bob")]), Rules());

        decision.Detail.Should().Contain("alice").And.Contain("bob");
    }

    [Fact]
    public void Duplicate_reason_names_the_earlier_copy()
    {
        var decision = Decider.Decide(DecisionInput.Duplicate(new ExactCopy("/data/faces/alice/a.jpg", "approved")), Rules());

        decision.Detail.Should().Be("duplicate of /data/faces/alice/a.jpg (approved)");
        decision.EarlierCopy.Should().Be("/data/faces/alice/a.jpg", "the review row keeps it, so it can follow the copy when it moves");
        decision.Prefix.Should().Be("duplicate_");
        decision.Category.Should().Be("duplicates");
    }

    [Theory]
    [InlineData("sorted", "near copy of /faces/alice/a.jpg (distance 5 of 64; this 600×400, earlier 1200×800: the earlier one has more pixels)")]
    [InlineData("rejected", "near copy of a rejected picture (/faces/alice/a.jpg) (distance 5 of 64; this 600×400, earlier 1200×800: the earlier one has more pixels)")]
    [InlineData("approved", "near copy of /faces/alice/a.jpg (approved) (distance 5 of 64; this 600×400, earlier 1200×800: the earlier one has more pixels)")]
    public void A_near_duplicates_reason_names_the_earlier_copy_the_distance_and_both_sizes(string state, string reason)
    {
        var decision = Decider.Decide(Near(5, state), Rules());

        decision.Detail.Should().Be(reason);
    }

    [Fact]
    public void A_near_duplicate_with_more_pixels_than_the_earlier_copy_says_so()
    {
        var near = new NearCopy("/faces/alice/a.jpg", "sorted", 3, 2400, 1600, 1200, 800);

        Decider.Decide(new DecisionInput(null, null, [], near), Rules()).Detail.Should().EndWith("2400×1600, earlier 1200×800: this one has more pixels)");
    }

    [Fact]
    public void Unknown_confidence_is_kept_unknown_not_invented()
    {
        var decision = Decider.Decide(DecisionInput.WithFaces([Some.Face("Alice", null)]), Rules());

        decision.Confidence.Should().BeNull();
    }

    [Theory]
    [InlineData(SortReason.Invalid, "unidentified", "invalid_")]
    [InlineData(SortReason.Duplicate, "duplicates", "duplicate_")]
    [InlineData(SortReason.NearDuplicate, "duplicates", "similar_")]
    [InlineData(SortReason.NoFace, "unidentified", "noface_")]
    [InlineData(SortReason.MultipleFaces, "multiple_faces", "multi_")]
    [InlineData(SortReason.UnwantedPerson, "unwanted_person", "unwanted_")]
    [InlineData(SortReason.UnknownPerson, "unidentified", "unknown_")]
    [InlineData(SortReason.NotWhitelisted, "unidentified", "notwhitelisted_")]
    [InlineData(SortReason.LowConfidence, "low_confidence", "lowconf_")]
    public void Each_reason_maps_to_its_design_folder_and_prefix(SortReason reason, string category, string prefix)
    {
        reason.Category().Should().Be(category);
        reason.Prefix().Should().Be(prefix);
    }

    [Fact]
    public void The_reason_for_a_hidden_persons_face_says_so()
    {
        var decision = Decider.Decide(DecisionInput.WithFaces([Some.Face(null, null) with { HiddenPerson = "Mona" }]), Rules());

        decision.Detail.Should().Contain("Mona is hidden in Immich");
    }
}
