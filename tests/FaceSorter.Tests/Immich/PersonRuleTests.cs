using FaceSorter.Immich;

namespace FaceSorter.Tests.Immich;

/// <summary>The one meaning of "a person": Upload mode applies it to Immich's answer, MachineLearning mode to its gallery query.</summary>
public sealed class PersonRuleTests
{
    [Theory]
    [InlineData("Alice", false, "Alice")]
    [InlineData("Alice", true, null)]
    [InlineData("", false, null)]
    [InlineData("", true, null)]
    [InlineData("  ", false, null)]
    [InlineData(null, false, null)]
    public void Only_a_named_person_the_user_has_not_hidden_counts(string? name, bool hidden, string? expected) =>
        PersonRule.NameThatCounts(name, hidden).Should().Be(expected);

    [Fact]
    public void The_gallery_query_filters_by_the_same_rule() =>
        PersonRule.SqlCondition.Should().Contain("p.name <> ''").And.Contain("NOT p.\"isHidden\"");
}
