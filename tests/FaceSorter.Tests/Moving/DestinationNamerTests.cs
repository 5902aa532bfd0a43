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
}
