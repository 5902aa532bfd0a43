using System.Text;
using FaceSorter.Moving;

namespace FaceSorter.Tests.Moving;

public sealed class DestinationNamerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 14, 3, 9, TimeSpan.FromHours(2));

    [Fact]
    public void The_original_name_comes_first() =>
        DestinationNamer.Candidates("photo.jpg", Now).First().Should().Be("photo.jpg");

    [Fact]
    public void A_clash_adds_the_utc_time_then_a_counter_before_the_extension() =>
        DestinationNamer.Candidates("photo.jpg", Now).Take(4).Should().Equal(
            "photo.jpg",
            "photo_20261125_120309.jpg",
            "photo_20261125_120309_1.jpg",
            "photo_20261125_120309_2.jpg");

    [Fact]
    public void A_name_without_extension_gets_the_suffix_at_the_end() =>
        DestinationNamer.Candidates("README", Now).Skip(1).First().Should().Be("README_20261125_120309");

    [Fact]
    public void Only_the_last_extension_is_kept_after_the_suffix() =>
        DestinationNamer.Candidates("archive.tar.gz", Now).Skip(1).First().Should().Be("archive.tar_20261125_120309.gz");

    [Theory]
    [InlineData("\u00e9")]          // two bytes
    [InlineData("\u65e5")]          // three bytes
    [InlineData("\U0001F600")]      // four bytes (a surrogate pair in .NET)
    [InlineData("e\u0301")]         // NFD: a letter and its combining accent stay together
    public void A_255_byte_name_stays_within_name_max_with_any_suffix_cut_at_a_character_boundary(string unit)
    {
        var stem = new StringBuilder("a");
        while (Encoding.UTF8.GetByteCount(stem + unit + ".jpg") <= 255)
        {
            stem.Append(unit);
        }

        var name = stem.ToString().PadRight(stem.Length + (255 - Encoding.UTF8.GetByteCount(stem + ".jpg")), 'b') + ".jpg";
        Encoding.UTF8.GetByteCount(name).Should().Be(255);

        var candidates = DestinationNamer.Candidates("noface_" + name, Now).Take(3).ToList();

        var suffixes = new[] { "", "_20261125_120309", "_20261125_120309_1" };
        foreach (var (candidate, suffix) in candidates.Zip(suffixes))
        {
            Encoding.UTF8.GetByteCount(candidate).Should().BeLessThanOrEqualTo(255);
            candidate.Should().StartWith("noface_a").And.EndWith(".jpg");
            var kept = candidate["noface_a".Length..^(suffix.Length + ".jpg".Length)];
            kept.Replace(unit, "", StringComparison.Ordinal).Trim('b').Should().BeEmpty("the stem is cut between whole characters, never inside one");
            DestinationNamer.IsShortened("noface_" + name, candidate).Should().BeTrue();
            candidate.EnumerateRunes().Should().NotContain(Rune.ReplacementChar);
        }

        candidates[1].Should().EndWith("_20261125_120309.jpg");
        candidates[2].Should().EndWith("_20261125_120309_1.jpg");
    }

    [Fact]
    public void A_name_that_fits_is_never_shortened() =>
        DestinationNamer.IsShortened("photo.jpg", DestinationNamer.Candidates("photo.jpg", Now).Skip(1).First()).Should().BeFalse();

    [Fact]
    public void A_huge_extension_counts_as_part_of_the_stem()
    {
        var name = "a." + new string('x', 254);
        DestinationNamer.Candidates(name, Now).First().Should().HaveLength(255).And.StartWith("a.");
    }
}
