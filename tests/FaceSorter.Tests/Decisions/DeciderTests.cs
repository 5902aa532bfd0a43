using FaceSorter.Decisions;
using FaceSorter.Tests.Support;

namespace FaceSorter.Tests.Decisions;

public sealed class DeciderTests
{
    private static DecisionRules Rules(string[]? whitelist = null, string[]? blacklist = null, double minConfidence = 0.6, int maxFaces = 1, double minFaceAreaRatio = 0) =>
        new(
            (whitelist ?? []).Select(name => PersonName.Sanitize(name)!).ToHashSet(),
            (blacklist ?? []).Select(name => PersonName.Sanitize(name)!).ToHashSet(),
            minConfidence,
            maxFaces,
            minFaceAreaRatio);

    public static TheoryData<string, DecisionInput, DecisionRules, SortReason, string?> Table => new()
    {
        { "rule 0: invalid wins over everything", new DecisionInput("not an image", "x.jpg", [Some.Face("Alice", 0.9)]), Rules(), SortReason.Invalid, null },
        { "rule 1: duplicate", new DecisionInput(null, "faces/alice/x.jpg", [Some.Face("Alice", 0.9)]), Rules(), SortReason.Duplicate, null },
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
        var decision = Decider.Decide(DecisionInput.Duplicate("/data/faces/alice/a.jpg"), Rules());

        decision.Detail.Should().Contain("/data/faces/alice/a.jpg");
        decision.Prefix.Should().Be("duplicate_");
        decision.Category.Should().Be("duplicates");
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
