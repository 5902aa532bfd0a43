using System.Security.Cryptography;
using System.Text;
using FaceSorter.Hashing;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Storage;

namespace FaceSorter.IntegrationTests.Review;

/// <summary>
/// A new-user trial: an <c>invalid_</c> item (ruled out by its leading bytes, before the duplicate check)
/// moved into <c>faces/&lt;person&gt;/</c> was recorded as "added by hand" and its review item as rejected.
/// Every item the real pipeline puts into review, whatever its category, is followed by the real
/// review watcher: moved into a person folder is an approval, renamed within review/ the row follows it,
/// deleted is a rejection. The whole daemon runs (real watchers, real files, real SQLite, an emulated
/// Immich over HTTP).
/// </summary>
public sealed class EveryReviewItemIsFollowedTests : EmulatedImmichTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    public EveryReviewItemIsFollowedTests()
        : base(TimeSpan.FromMinutes(2))
    {
    }

    public enum Kind
    {
        /// <summary>Rule 0 by its leading bytes: <c>review/unidentified/invalid_</c>.</summary>
        InvalidByBytes,

        /// <summary>Rule 0, an empty file: <c>review/unidentified/invalid_</c>.</summary>
        Empty,

        /// <summary>Rule 1: <c>review/duplicates/duplicate_</c>.</summary>
        Duplicate,

        /// <summary>Rule 2: <c>review/unidentified/noface_</c>.</summary>
        NoFace,

        /// <summary>Rule 3: <c>review/multiple_faces/multi_</c>.</summary>
        MultipleFaces,
    }

    [Theory]
    [InlineData(Kind.InvalidByBytes)]
    [InlineData(Kind.Empty)]
    [InlineData(Kind.Duplicate)]
    [InlineData(Kind.NoFace)]
    [InlineData(Kind.MultipleFaces)]
    public async Task A_review_item_moved_into_a_person_folder_is_an_approval_renamed_in_review_is_followed_and_deleted_is_a_rejection(Kind kind)
    {
        await using var daemon = await StartAsync();
        var approved = await GivenItemAsync(daemon, kind, "a");
        var renamed = await GivenItemAsync(daemon, kind, "b");
        var deleted = await GivenItemAsync(daemon, kind, "c");
        new[] { approved, renamed, deleted }.Should().OnlyContain(row => row.FileHash != null, "every file that reaches review can be followed by its content");

        var bob = Path.Combine(daemon.Faces, "bob");
        var approvedAt = Path.Combine(bob, Path.GetFileName(approved.FilePath));
        var renamedAt = Path.Combine(Path.GetDirectoryName(renamed.FilePath)!, "kept by me.jpg");
        await ReviewHarness.RunAsync("sh", "-c", $"mkdir \"{bob}\" && mv \"{approved.FilePath}\" \"{bob}/\"");
        await ReviewHarness.RunAsync("mv", renamed.FilePath, renamedAt);
        await ReviewHarness.RunAsync("rm", deleted.FilePath);

        (await WaitForAsync(daemon, approved.Id, row => row.Action != ReviewAction.Pending, "the approval"))
            .Should().BeEquivalentTo(new { Action = ReviewAction.Approved, ReviewedBy = "file-manager", FilePath = approvedAt, SuggestedPerson = "bob" });
        (await WaitForAsync(daemon, deleted.Id, row => row.Action != ReviewAction.Pending, "the rejection"))
            .Should().BeEquivalentTo(new { Action = ReviewAction.Rejected, ReviewedBy = "file-manager" });
        await WaitForAsync(daemon, renamed.Id, row => row.FilePath == renamedAt, "the row follows the rename");

        // The rejection above came after the grace and a full scan; the renamed item had the same chance to be taken for one.
        (await daemon.Store.GetReviewItemAsync(renamed.Id, Token))!.Action.Should().Be(ReviewAction.Pending);
        var inBob = (await daemon.Store.ListDownloadsAsync(null, Token)).Where(download => download.FilePath.StartsWith(bob + "/", StringComparison.Ordinal)).ToList();
        inBob.Should().ContainSingle("the approval's row, not an addition by hand besides it").Which.Should().BeEquivalentTo(new { FilePath = approvedAt, PersonName = "bob", AutoSorted = false });
    }

    [Theory]
    [InlineData(Kind.InvalidByBytes, "back.jpg")]
    [InlineData(Kind.Empty, "back.jpg")]
    [InlineData(Kind.Duplicate, "back.jpg")]
    [InlineData(Kind.NoFace, "back.jpg")]
    [InlineData(Kind.MultipleFaces, "back.jpg")]
    [InlineData(Kind.InvalidByBytes, "a.jpg")]
    [InlineData(Kind.NoFace, "a.jpg")]
    [InlineData(Kind.InvalidByBytes, null)]
    [InlineData(Kind.NoFace, null)]
    [InlineData(Kind.Duplicate, null)]
    public async Task A_review_file_moved_back_into_the_drop_folder_is_sorted_again_and_its_old_item_is_withdrawn_not_rejected(Kind kind, string? name)
    {
        // A null name: moved back under its review name (noface_a.jpg), as a file manager's drag does; it is
        // sorted again under the download's name with one prefix, never noface_noface_a.jpg.
        await using var daemon = await StartAsync();
        var returned = await GivenItemAsync(daemon, kind, "a");
        var deleted = await GivenItemAsync(daemon, kind, "c");
        var sortedAgain = Path.Combine(Path.GetDirectoryName(returned.FilePath)!, PrefixOf(returned) + (name ?? DownloadNameOf(returned)));

        await ReviewHarness.RunAsync("mv", returned.FilePath, Path.Combine(daemon.Inbox, name ?? Path.GetFileName(returned.FilePath)));
        await ReviewHarness.RunAsync("rm", deleted.FilePath);

        await WaitForAsync(daemon, deleted.Id, row => row.Action == ReviewAction.Rejected, "the deleted one's rejection, after the grace and a full scan");
        await daemon.UntilSortedAsync(sortedAgain, "the returned file sorted again as it was the first time", Token);
        (await daemon.Store.GetReviewItemAsync(returned.Id, Token)).Should().BeNull("its old item is withdrawn: no decision was made");
        var again = (await daemon.Store.FindReviewByPathAsync(sortedAgain, Token))!;
        again.Should().BeEquivalentTo(new { Action = ReviewAction.Pending, returned.FileHash, returned.Category });
        (await daemon.Store.ListReviewAsync(null, ReviewAction.Pending, Token)).Where(row => row.FilePath == sortedAgain).Should().ContainSingle();
        if (kind != Kind.Duplicate)
        {
            again.EarlierCopy.Should().BeNull("it is its content's only file, not a copy of where it was");
        }
    }

    [Theory]
    [InlineData(Kind.NoFace, null)]
    [InlineData(Kind.NoFace, "a.jpg")]
    [InlineData(Kind.Duplicate, null)]
    [InlineData(Kind.InvalidByBytes, null)]
    public async Task A_review_file_moved_back_into_the_drop_folder_and_not_yet_sorted_there_when_the_grace_ends_is_withdrawn_not_rejected(Kind kind, string? name)
    {
        // The drop folder takes the file only once nothing holds it open for writing: here it waits past
        // the grace, as behind a backlog, an Immich outage or a BlindSettleTime (10 s) longer than the grace.
        await using var daemon = await StartAsync();
        var returned = await GivenItemAsync(daemon, kind, "a");
        var inInbox = Path.Combine(daemon.Inbox, name ?? Path.GetFileName(returned.FilePath));
        using var holder = await FileHolder.StartSilentWriterAsync(returned.FilePath, Token);

        await ReviewHarness.RunAsync("mv", returned.FilePath, inInbox);

        await Eventually.UntilAsync(async () => await daemon.Store.GetReviewItemAsync(returned.Id, Token) is not { Action: ReviewAction.Pending }, Deadline, "the item decided or withdrawn after the grace", Token);
        (await daemon.Store.GetReviewItemAsync(returned.Id, Token)).Should().BeNull("the file is in the drop folder, not deleted: its item is withdrawn, not rejected");
        File.Exists(inInbox).Should().BeTrue("it is still held open, so not yet taken");

        await holder.CloseAsync(Token);
        var sortedAgain = Path.Combine(Path.GetDirectoryName(returned.FilePath)!, PrefixOf(returned) + (name ?? DownloadNameOf(returned)));
        await daemon.UntilSortedAsync(sortedAgain, "the returned file sorted again once closed", Token);
        (await daemon.Store.FindReviewByPathAsync(sortedAgain, Token)).Should().BeEquivalentTo(new { Action = ReviewAction.Pending, returned.FileHash, returned.Category });
    }

    [Fact]
    public async Task Two_identical_invalid_items_are_decided_one_by_one_and_their_content_is_claimed_by_neither()
    {
        await using var daemon = await StartAsync();
        var content = Encoding.UTF8.GetBytes("<html>a login page saved instead of the picture</html>");
        var first = await GivenReviewRowAsync(daemon, "login.jpg", content, "unidentified/invalid_login.jpg");
        var second = await GivenReviewRowAsync(daemon, "login (1).jpg", content, "unidentified/invalid_login (1).jpg");
        first.FileHash.Should().Be(Sha256(content)).And.Be(second.FileHash);
        var probe = Path.Combine(Folder.Path, "probe.jpg");
        (await new DuplicateChecker(daemon.Store).FindEarlierCopyAsync(first.FileHash!, probe, Token)).Should().BeNull("content ruled out by its bytes is claimed by no one");
        await daemon.Store.ReleaseClaimAsync(first.FileHash!, probe, Token);

        var carol = Path.Combine(daemon.Faces, "carol");
        await ReviewHarness.RunAsync("sh", "-c", $"mkdir \"{carol}\" && mv \"{second.FilePath}\" \"{carol}/\"");
        (await WaitForAsync(daemon, second.Id, row => row.Action != ReviewAction.Pending, "the approval of the moved copy"))
            .Action.Should().Be(ReviewAction.Approved);
        await ReviewHarness.RunAsync("rm", first.FilePath);

        (await WaitForAsync(daemon, first.Id, row => row.Action != ReviewAction.Pending, "the rejection of the deleted copy"))
            .Action.Should().Be(ReviewAction.Rejected);
        (await daemon.Store.GetReviewItemAsync(second.Id, Token))!.Action.Should().Be(ReviewAction.Approved);
    }

    private async Task<TestDaemon> StartAsync() =>
        await TestDaemon.StartAsync(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
            cfg["Review"]!["RejectGrace"] = Grace.ToString();
            cfg["EmptyFileTimeout"] = "00:00:00.500";
        }, Token);

    /// <summary>A file of this kind dropped into the drop folder and put into review by the pipeline; its row.</summary>
    private async Task<ReviewItem> GivenItemAsync(TestDaemon daemon, Kind kind, string tag)
    {
        var seed = 7000 + (int)kind * 10 + tag[0];
        switch (kind)
        {
            case Kind.InvalidByBytes:
                return await GivenReviewRowAsync(daemon, $"{tag}.jpg", Encoding.UTF8.GetBytes($"not a picture {tag}"), $"unidentified/invalid_{tag}.jpg");
            case Kind.Empty:
                return await GivenReviewRowAsync(daemon, $"{tag}.jpg", [], $"unidentified/invalid_{tag}.jpg");
            case Kind.Duplicate:
                var original = TestImages.Jpeg(seed);
                Immich.SetFaces(Sha256(original), EmulatedFace.Named("Alice"));
                TestImages.Write(daemon.Inbox, $"{tag}.jpg", original);
                await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "alice", $"{tag}.jpg"), "the original sorted", Token);
                return await GivenReviewRowAsync(daemon, $"{tag} copy.jpg", original, $"duplicates/duplicate_{tag} copy.jpg");
            case Kind.NoFace:
                var none = TestImages.Jpeg(seed);
                Immich.SetFaces(Sha256(none));
                return await GivenReviewRowAsync(daemon, $"{tag}.jpg", none, $"unidentified/noface_{tag}.jpg");
            default:
                var group = TestImages.Jpeg(seed);
                Immich.SetFaces(Sha256(group), EmulatedFace.Named("Alice"), new EmulatedFace("Bob", 10, 10, 300, 300));
                return await GivenReviewRowAsync(daemon, $"{tag}.jpg", group, $"multiple_faces/multi_{tag}.jpg");
        }
    }

    private async Task<ReviewItem> GivenReviewRowAsync(TestDaemon daemon, string name, byte[] content, string expected)
    {
        var path = Path.Combine(daemon.Review, expected);
        TestImages.Write(daemon.Inbox, name, content);
        await daemon.UntilSortedAsync(path, $"{name} put into review/{expected}", Token);
        return (await daemon.Store.FindReviewByPathAsync(path, Token))!;
    }

    private async Task<ReviewItem> WaitForAsync(TestDaemon daemon, long id, Func<ReviewItem, bool> condition, string what)
    {
        ReviewItem? row = null;
        await Eventually.UntilAsync(async () => (row = await daemon.Store.GetReviewItemAsync(id, Token)) is { } found && condition(found), Deadline, what, Token);
        return row!;
    }

    private static string PrefixOf(ReviewItem item) => Path.GetFileName(item.FilePath)[..(Path.GetFileName(item.FilePath).IndexOf('_') + 1)];

    /// <summary>The name the item's file was downloaded under: its review name without the prefix.</summary>
    private static string DownloadNameOf(ReviewItem item) => Path.GetFileName(item.FilePath)[PrefixOf(item).Length..];

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
