using FaceSorter.Pipeline.Stages;

namespace FaceSorter.Tests.Pipeline;

/// <summary>The memory of problems already reported, on real files (whether a file is gone is asked of the disk).</summary>
public sealed class ReportedVersionsTests : IDisposable
{
    private static readonly DateTime Written = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
    private readonly string _folder = Directory.CreateTempSubdirectory("facesorter-reported-").FullName;

    [Fact]
    public void A_version_is_new_once_and_a_changed_file_is_new_again()
    {
        var reported = new ReportedVersions();
        var path = Write("broken.jpg");

        reported.IsNew(path, 10, Written).Should().BeTrue();
        reported.IsNew(path, 10, Written).Should().BeFalse();
        reported.IsNew(path, 11, Written).Should().BeTrue();
        reported.IsNew(path, 11, Written.AddSeconds(1)).Should().BeTrue();
        reported.Count.Should().Be(1);
    }

    [Fact]
    public void Past_its_capacity_it_forgets_the_files_that_are_gone_and_keeps_those_still_there()
    {
        var reported = new ReportedVersions(capacity: 2);
        var stays = Write("stays.jpg");
        var sorted = Write("sorted.jpg");
        var deleted = Write("deleted.jpg");
        reported.IsNew(stays, 10, Written).Should().BeTrue();
        reported.IsNew(sorted, 10, Written).Should().BeTrue();
        File.Delete(sorted);
        File.Delete(deleted);

        reported.IsNew(deleted, 10, Written).Should().BeTrue(); // the third entry: the gone ones go

        reported.Count.Should().Be(1);
        reported.IsNew(stays, 10, Written).Should().BeFalse();
    }

    [Fact]
    public void When_the_files_are_still_there_it_keeps_them_all_and_looks_again_only_when_their_count_has_doubled()
    {
        var reported = new ReportedVersions(capacity: 2);
        var paths = Enumerable.Range(0, 5).Select(i => Write($"waiting{i}.jpg")).ToList();
        foreach (var path in paths.Take(3))
        {
            reported.IsNew(path, 10, Written).Should().BeTrue();
        }

        File.Delete(paths[0]); // gone, but the next look is only past 6 entries
        reported.IsNew(paths[3], 10, Written).Should().BeTrue();
        reported.IsNew(paths[4], 10, Written).Should().BeTrue();

        reported.Count.Should().Be(5);
        paths.Skip(1).Should().OnlyContain(path => !reported.IsNew(path, 10, Written));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, [1, 2, 3]);
        return path;
    }
}
