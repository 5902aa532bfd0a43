using FaceSorter.Options;
using FaceSorter.Storage;

namespace FaceSorter.Tests.Storage;

/// <summary>The stored form of paths (docs/contracts.md, "Stored paths"), one row per case.</summary>
public sealed class StorePathsTests
{
    private static readonly StorePaths AtData = StorePaths.For(new DirectoriesOptions
    {
        Inbox = "/srv/data/temp_downloads",
        Faces = "/srv/data/faces",
        Review = "/srv/data/review",
    });

    private static readonly StorePaths AtDisk2 = StorePaths.For(new DirectoriesOptions
    {
        Inbox = "/mnt/disk2/data/temp_downloads",
        Faces = "/mnt/disk2/data/faces",
        Review = "/mnt/disk2/data/review",
    });

    [Theory]
    [InlineData("/srv/data/faces/john_doe/a.jpg", "faces:john_doe/a.jpg")]
    [InlineData("/srv/data/review/low_confidence/lowconf_a b.jpg", "review:low_confidence/lowconf_a b.jpg")]
    [InlineData("/srv/data/temp_downloads/instagram/x.jpg", "inbox:instagram/x.jpg")]
    [InlineData("/srv/data/temp_downloads/a:b.jpg", "inbox:a:b.jpg")]
    [InlineData("/srv/data/faces", "/srv/data/faces")]
    [InlineData("/srv/data/facesX/a.jpg", "/srv/data/facesX/a.jpg")]
    [InlineData("/elsewhere/a.jpg", "/elsewhere/a.jpg")]
    public void A_path_under_a_configured_folder_is_stored_as_its_tag_and_the_rest_and_any_other_as_it_is(string path, string stored)
    {
        AtData.ToStored(path).Should().Be(stored);
        AtData.ToFull(stored).Should().Be(path);
    }

    [Fact]
    public void The_same_stored_path_is_the_same_file_under_another_mount_point()
    {
        var stored = AtData.ToStored("/srv/data/review/unidentified/unknown_1.jpg");

        AtDisk2.ToFull(stored).Should().Be("/mnt/disk2/data/review/unidentified/unknown_1.jpg");
    }

    [Fact]
    public void Nested_folders_store_a_path_under_the_innermost_one()
    {
        var nested = StorePaths.For(new DirectoriesOptions { Inbox = "/data/in", Faces = "/data", Review = "/data/review" });

        nested.ToStored("/data/review/unidentified/a.jpg").Should().Be("review:unidentified/a.jpg");
        nested.ToStored("/data/john/a.jpg").Should().Be("faces:john/a.jpg");
        nested.ToFull("review:unidentified/a.jpg").Should().Be("/data/review/unidentified/a.jpg");
    }

    [Fact]
    public void Without_folders_every_path_is_stored_as_it_is()
    {
        StorePaths.Absolute.ToStored("/srv/data/faces/a.jpg").Should().Be("/srv/data/faces/a.jpg");
        StorePaths.Absolute.ToFull("faces:a.jpg").Should().Be("faces:a.jpg", "an unknown tag cannot be resolved, so it is left as it is");
    }

    [Theory]
    [InlineData("faces:john/a.jpg", "a.jpg")]
    [InlineData("faces:a.jpg", "a.jpg")]
    [InlineData("inbox:a:b.jpg", "a:b.jpg")]
    [InlineData("/elsewhere/a:b.jpg", "a:b.jpg")]
    public void The_file_name_of_a_stored_path_is_that_of_the_file(string stored, string name) =>
        StorePaths.FileName(stored).Should().Be(name);

    [Fact]
    public void A_prefix_reaching_below_a_folder_translates_like_a_path()
    {
        AtData.ToStored("/srv/data/temp_downloads/web/photo").Should().Be("inbox:web/photo");
        AtData.ToStored("/srv/data/temp_downloads/").Should().Be("inbox:");
    }
}
