using System.Security.Cryptography;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Storage;

namespace FaceSorter.IntegrationTests.Review;

/// <summary>
/// The second look (issue 5, part 8) in the real daemon: a file that went to review because nobody
/// was named in it is asked about again once Immich knows the person (the emulator names the face
/// from then on; KeepAssets false, so the re-check uploads it afresh as Immich would re-detect it).
/// </summary>
public sealed class SecondLookTests : EmulatedImmichTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_person_named_later_becomes_the_suggestion_and_the_file_stays_for_the_user()
    {
        var (daemon, item) = await GivenUnknownInReviewAsync(autoMove: false);
        await using var _ = daemon;

        await Eventually.UntilAsync(async () => (await daemon.Store.GetReviewItemAsync(item.Id, Token))!.SuggestedPerson == "alice", Deadline, "suggested after the second look", Token);

        var after = (await daemon.Store.GetReviewItemAsync(item.Id, Token))!;
        after.Action.Should().Be(ReviewAction.Pending, "moving is the user's decision unless AutoMoveOnRecheck is on");
        File.Exists(item.FilePath).Should().BeTrue();
        Directory.Exists(Path.Combine(daemon.Faces, "alice")).Should().BeFalse();
    }

    [Fact]
    public async Task With_auto_move_the_file_is_approved_into_the_persons_folder_by_recheck()
    {
        var (daemon, item) = await GivenUnknownInReviewAsync(autoMove: true);
        await using var _ = daemon;

        var moved = Path.Combine(daemon.Faces, "alice", "face.jpg"); // the original name, without the review prefix;
        await Eventually.UntilAsync(async () => (await daemon.Store.GetReviewItemAsync(item.Id, Token))!.Action == ReviewAction.Approved, Deadline, "approved by the second look", Token);

        var after = (await daemon.Store.GetReviewItemAsync(item.Id, Token))!;
        after.ReviewedBy.Should().Be("recheck");
        after.FilePath.Should().Be(moved);
        File.Exists(moved).Should().BeTrue();
        File.Exists(item.FilePath).Should().BeFalse();
        (await daemon.Store.ListDownloadsAsync(item.FileHash, Token)).Should().ContainSingle().Which.PersonName.Should().Be("alice");
    }

    private async Task<(TestDaemon Daemon, ReviewItem Item)> GivenUnknownInReviewAsync(bool autoMove)
    {
        var content = TestImages.Jpeg(707);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        Immich.SetFaces(sha256, EmulatedFace.WithoutPerson());
        var daemon = await TestDaemon.StartAsync(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
            cfg["Immich"]!["KeepAssets"] = false;
            cfg["Review"]!["RecheckInterval"] = "00:00:01";
            cfg["Review"]!["AutoMoveOnRecheck"] = autoMove;
        }, Token);
        TestImages.Write(daemon.Inbox, "face.jpg", content);
        var item = (await daemon.ReviewRowsAsync(1, Token)).Single();
        item.FilePath.Should().Be(Path.Combine(daemon.Review, "unidentified", "unknown_face.jpg"));

        // Immich's recognition has since put the face into a person the user named.
        Immich.SetFaces(sha256, EmulatedFace.Named("Alice"));
        return (daemon, item);
    }
}
