using FaceSorter.Decisions;

namespace FaceSorter.Tests.Decisions;

public sealed class PersonNameTests
{
    [Theory]
    [InlineData("John Doe", "john_doe")]
    [InlineData("  John   Doe  ", "john_doe")]
    [InlineData("Mary-Jane Watson", "mary_jane_watson")]
    [InlineData("Anne -- Marie", "anne_marie")]
    [InlineData("John . Doe", "john_doe")]
    [InlineData("O'Brien", "obrien")]
    [InlineData("Zoë Ünal", "zoë_ünal")]
    [InlineData("李小龍", "李小龍")]
    [InlineData("_alice_", "alice")]
    [InlineData("R2-D2", "r2_d2")]
    [InlineData("../../etc", "etc")]
    [InlineData("a/b", "ab")]
    public void Names_are_sanitised_as_design_says(string name, string expected) =>
        PersonName.Sanitize(name).Should().Be(expected);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("---")]
    [InlineData("!!!")]
    [InlineData("_")]
    public void Names_that_sanitise_to_nothing_are_never_used_as_folders(string? name) =>
        PersonName.Sanitize(name).Should().BeNull();
}
