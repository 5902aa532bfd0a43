using FaceSorter.IntegrationTests.Support;
using FaceSorter.NearDuplicates;

namespace FaceSorter.IntegrationTests.NearDuplicates;

/// <summary>Issue 14, part 4: the default distance catches the copies of real photos and flags none of the look-alikes.</summary>
public sealed class NearDuplicateAccuracyTests(ITestOutputHelper output)
{
    [Fact]
    public void At_the_default_distance_at_least_98_percent_of_the_copies_are_caught_and_no_distinct_picture_is_flagged()
    {
        using var folder = new TempFolder();
        var table = NearCopies.Measure(RealPhotos.All(), folder.Path);
        var threshold = new FaceSorter.Options.SortingOptions().NearDuplicateMaxDistance;
        for (var distance = 0; distance <= 24; distance += 2)
        {
            output.WriteLine(table.Describe(distance));
        }

        foreach (var line in table.Extremes())
        {
            output.WriteLine(line);
        }

        output.WriteLine(table.Describe(threshold));
        table.Caught(threshold).Should().BeGreaterThanOrEqualTo((int)Math.Ceiling(0.98 * table.Copies.Count), table.Describe(threshold));
        table.FalseFlags(threshold).Should().Be(0, table.Describe(threshold));
    }
}
