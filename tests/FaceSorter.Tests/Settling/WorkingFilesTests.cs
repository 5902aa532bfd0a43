using FaceSorter.Settling;

namespace FaceSorter.Tests.Settling;

/// <summary>
/// <see cref="WorkingFiles.WaitingAmong"/>, one listing for many files, against real files: it must give
/// the answer <see cref="WorkingFiles.AnyFor"/> gives file by file (docs/linux-facts.md, "Working files,
/// looked up by listing").
/// </summary>
public sealed class WorkingFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("facesorter-working-").FullName;
    private readonly WorkingFiles _working = new();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void One_listing_finds_the_files_with_a_working_file_beside_them_as_the_lookups_do()
    {
        string[] names = ["a.jpg", "b.jpg", "c.jpg", "d.mp4", "e.jpg", "f.jpg", "g.jpg", "h.jpg"];
        foreach (var name in names)
        {
            Touch(name);
        }

        Touch("a.jpg.part");
        Touch("c.jpg.aria2");
        Touch("d.mp4.ytdl");
        Touch("e.jpg.crdownload");
        Touch("f.JPG.part"); // another name: f.jpg has no working file
        Directory.CreateDirectory(Path.Combine(_folder, "g.jpg.part")); // a folder, not a working file

        var waiting = _working.WaitingAmong(_folder, names, maxEntries: 1000);

        waiting.Should().BeEquivalentTo(["a.jpg", "c.jpg", "d.mp4", "e.jpg"]);
        names.Where(name => _working.AnyFor(Path.Combine(_folder, name))).Should().BeEquivalentTo(waiting);
    }

    [Fact]
    public void A_remembered_fragment_holds_its_file_back_only_while_it_exists()
    {
        Touch("clip.mp4");
        Touch("other.mp4");
        Touch("clip.mp4.part-Frag3");
        _working.Saw(Path.Combine(_folder, "clip.mp4.part-Frag3"));

        _working.WaitingAmong(_folder, ["clip.mp4", "other.mp4"], maxEntries: 100).Should().BeEquivalentTo(["clip.mp4"]);

        File.Delete(Path.Combine(_folder, "clip.mp4.part-Frag3"));
        _working.WaitingAmong(_folder, ["clip.mp4", "other.mp4"], maxEntries: 100).Should().BeEmpty();
        _working.AnyFor(Path.Combine(_folder, "clip.mp4")).Should().BeFalse();
    }

    [Fact]
    public void A_format_fragment_holds_back_the_merged_file_whatever_its_extension()
    {
        Touch("clip.mkv");
        Touch("clip.f137.mp4");
        _working.Saw(Path.Combine(_folder, "clip.f137.mp4"));

        _working.WaitingAmong(_folder, ["clip.mkv"], maxEntries: 100).Should().BeEquivalentTo(["clip.mkv"]);
    }

    [Fact]
    public void A_folder_with_more_entries_than_worth_listing_gives_no_answer()
    {
        for (var i = 0; i < 10; i++)
        {
            Touch($"copy{i}.jpg");
        }

        _working.WaitingAmong(_folder, ["copy1.jpg"], maxEntries: 9).Should().BeNull("the caller looks each file up on its own");
        _working.WaitingAmong(_folder, ["copy1.jpg"], maxEntries: 10).Should().BeEmpty();
    }

    [Fact]
    public void A_folder_that_is_gone_gives_no_answer()
    {
        _working.WaitingAmong(Path.Combine(_folder, "gone"), ["a.jpg"], maxEntries: 100).Should().BeNull();
    }

    private void Touch(string name) => File.WriteAllBytes(Path.Combine(_folder, name), [1]);
}
