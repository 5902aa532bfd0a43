using FaceSorter.Decisions;
using FaceSorter.Hashing;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Storage;

namespace FaceSorter.IntegrationTests.Review;

/// <summary>Issue 5: the user's moves and deletes in review/ and faces/, through the real watcher and real tools.</summary>
#pragma warning disable CA1001 // the harness is disposed by IAsyncLifetime.DisposeAsync
public sealed class FileManagerReviewTests : IAsyncLifetime
{
    private readonly ReviewHarness _harness = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Moving_a_review_file_into_an_existing_person_folder_with_mv_is_an_approval_recorded_once()
    {
        var file = await _harness.GivenReviewFileAsync("unknown_a.jpg");
        Directory.CreateDirectory(Path.Combine(_harness.Faces, "alice"));
        await _harness.StartAsync();

        await ReviewHarness.RunAsync("mv", file.Path, Path.Combine(_harness.Faces, "alice") + "/");

        var destination = Path.Combine(_harness.Faces, "alice", "unknown_a.jpg");
        await ShouldBeApprovedAsync(file, "alice", destination);
        await ShouldHaveOneDownloadAsync(file, "alice", destination);
    }

    [Fact]
    public async Task Moving_into_a_new_person_folder_made_by_the_shell_is_an_approval()
    {
        var file = await _harness.GivenReviewFileAsync("unknown_b.jpg");
        await _harness.StartAsync();

        var folder = Path.Combine(_harness.Faces, "Bob Smith");
        await ReviewHarness.RunAsync("sh", "-c", $"mkdir \"{folder}\" && mv \"{file.Path}\" \"{folder}/renamed.jpg\"");

        await ShouldBeApprovedAsync(file, "bob_smith", Path.Combine(folder, "renamed.jpg"));
        await ShouldHaveOneDownloadAsync(file, "bob_smith", Path.Combine(folder, "renamed.jpg"));
    }

    [Fact]
    public async Task A_mkdir_followed_at_once_by_a_rename_is_an_approval_although_the_watcher_reports_only_a_delete()
    {
        var files = new List<GivenFile>();
        for (var i = 0; i < 5; i++)
        {
            files.Add(await _harness.GivenReviewFileAsync($"unknown_race{i}.jpg"));
        }

        await _harness.StartAsync();

        var script = string.Join("; ", files.Select((file, i) => $"os.mkdir('{_harness.Faces}/race{i}'); os.rename('{file.Path}', '{_harness.Faces}/race{i}/x.jpg')"));
        await ReviewHarness.RunAsync("python3", "-c", "import os; " + script);

        for (var i = 0; i < files.Count; i++)
        {
            await ShouldBeApprovedAsync(files[i], $"race{i}", Path.Combine(_harness.Faces, $"race{i}", "x.jpg"));
        }
    }

    [Fact]
    public async Task Deleting_a_review_file_is_a_rejection_only_after_the_grace_and_its_content_is_rejected_before()
    {
        var file = await _harness.GivenReviewFileAsync("noface_c.jpg");
        await _harness.StartAsync();

        var deleted = System.Diagnostics.Stopwatch.StartNew();
        await ReviewHarness.RunAsync("rm", file.Path);

        var row = await _harness.WaitForRowAsync(file.Id, row => row.Action != ReviewAction.Pending, "the rejection");
        deleted.Elapsed.Should().BeGreaterThanOrEqualTo(_harness.RejectGrace);
        row.Action.Should().Be(ReviewAction.Rejected);
        row.ReviewedBy.Should().Be("file-manager");
        row.FilePath.Should().Be(file.Path);
        var earlier = await new DuplicateChecker(_harness.Store).FindEarlierCopyAsync(file.Hash, Path.Combine(_harness.Root, "again.jpg"), ReviewHarness.Token);
        earlier!.Describe().Should().StartWith("duplicate of rejected before");
    }

    [Theory]
    [InlineData("duplicate_d.jpg")]
    [InlineData("renamed_d.jpg")]
    public async Task A_review_file_dropped_into_faces_itself_is_no_rejection_and_moved_on_into_a_person_folder_it_is_an_approval(string name)
    {
        // One level short of faces/<person>/ in a file manager, under its name or renamed on the way: it was a
        // rejection, and its content rejected (helper-66's and helper-68's trials).
        var file = await _harness.GivenReviewFileAsync("duplicate_d.jpg", ReviewCategories.Duplicates);
        await _harness.StartAsync();

        var astray = Path.Combine(_harness.Faces, name);
        await ReviewHarness.RunAsync("mv", file.Path, astray);

        // A negative check needs some waiting: six graces, where a delete is a rejection after one.
        await Eventually.HoldsForAsync(() => File.Exists(astray), _harness.RejectGrace * 6, "the file stays where the user put it", ReviewHarness.Token);
        (await _harness.RowAsync(file.Id))!.Action.Should().Be(ReviewAction.Pending, "a file in faces/ itself is in no person's folder: no decision");

        Directory.CreateDirectory(Path.Combine(_harness.Faces, "dora"));
        await ReviewHarness.RunAsync("mv", astray, Path.Combine(_harness.Faces, "dora") + "/");

        await ShouldBeApprovedAsync(file, "dora", Path.Combine(_harness.Faces, "dora", name));
    }

    [Fact]
    public async Task Gio_move_is_an_approval_and_gio_trash_is_a_rejection()
    {
        File.Exists("/usr/bin/gio").Should().BeTrue("gio (Debian package libglib2.0-bin) must be installed for this test; the scripts install it");
        var moved = await _harness.GivenReviewFileAsync("unknown_g1.jpg");
        var trashed = await _harness.GivenReviewFileAsync("unknown_g2.jpg");
        Directory.CreateDirectory(Path.Combine(_harness.Faces, "gina"));
        await _harness.StartAsync();

        await ReviewHarness.RunAsync("gio", "move", moved.Path, Path.Combine(_harness.Faces, "gina") + "/");
        await ReviewHarness.RunAsync("gio", "trash", trashed.Path);

        await ShouldBeApprovedAsync(moved, "gina", Path.Combine(_harness.Faces, "gina", "unknown_g1.jpg"));
        var row = await _harness.WaitForRowAsync(trashed.Id, row => row.Action != ReviewAction.Pending, "the trash to count as a rejection");
        row.Should().BeEquivalentTo(new { Action = ReviewAction.Rejected, ReviewedBy = "file-manager", FilePath = trashed.Path });
    }

    [Fact]
    public async Task A_move_to_faces_on_another_filesystem_is_an_approval()
    {
        await _harness.MountTmpfsAsync(_harness.Faces);
        var file = await _harness.GivenReviewFileAsync("unknown_x.jpg");
        await _harness.StartAsync();

        var folder = Path.Combine(_harness.Faces, "carol");
        await ReviewHarness.RunAsync("sh", "-c", $"mkdir \"{folder}\" && mv \"{file.Path}\" \"{folder}/\"");

        await ShouldBeApprovedAsync(file, "carol", Path.Combine(folder, "unknown_x.jpg"));
        await ShouldHaveOneDownloadAsync(file, "carol", Path.Combine(folder, "unknown_x.jpg"));
    }

    [Fact]
    public async Task A_burst_of_500_approvals_and_deletes_mixed_is_recorded_exactly()
    {
        var files = await _harness.GivenReviewFilesAsync(500);
        Directory.CreateDirectory(Path.Combine(_harness.Faces, "dave"));
        await _harness.StartAsync();

        // Even ones move to faces/dave, odd ones are deleted, interleaved.
        var script = $"import os\nfor i in range(500):\n    src = '{_harness.Review}/unidentified/unknown_%04d.jpg' % i\n"
            + $"    if i % 2 == 0: os.rename(src, '{_harness.Faces}/dave/unknown_%04d.jpg' % i)\n    else: os.remove(src)\n";
        await ReviewHarness.RunAsync("python3", "-c", script);

        await Eventually.UntilAsync(
            async () => (await _harness.Store.ListReviewAsync(null, ReviewAction.Pending, ReviewHarness.Token)).Count == 0,
            TimeSpan.FromSeconds(30),
            "all 500 to be decided",
            ReviewHarness.Token);
        var rows = (await _harness.Store.ListReviewAsync(null, null, ReviewHarness.Token)).ToDictionary(row => row.Id);
        for (var i = 0; i < files.Count; i++)
        {
            var row = rows[files[i].Id];
            if (i % 2 == 0)
            {
                row.Should().BeEquivalentTo(new { Action = ReviewAction.Approved, ReviewedBy = "file-manager", SuggestedPerson = "dave", FilePath = Path.Combine(_harness.Faces, "dave", Path.GetFileName(files[i].Path)) });
            }
            else
            {
                row.Should().BeEquivalentTo(new { Action = ReviewAction.Rejected, ReviewedBy = "file-manager", FilePath = files[i].Path });
            }
        }

        var downloads = await _harness.Store.ListDownloadsAsync(null, ReviewHarness.Token);
        downloads.Should().HaveCount(250).And.OnlyContain(download => download.PersonName == "dave" && !download.AutoSorted);
        downloads.Select(download => download.FileHash).Should().BeEquivalentTo(files.Where((_, i) => i % 2 == 0).Select(file => file.Hash));
    }

    [Fact]
    public async Task What_the_user_did_while_the_daemon_was_stopped_is_recorded_at_the_next_start()
    {
        var approved = await _harness.GivenReviewFileAsync("unknown_e1.jpg");
        var deleted = await _harness.GivenReviewFileAsync("unknown_e2.jpg");
        var recategorised = await _harness.GivenReviewFileAsync("unknown_e3.jpg");
        var beforeStop = await _harness.GivenReviewFileAsync("unknown_e4.jpg");
        await _harness.StartAsync();
        Directory.CreateDirectory(Path.Combine(_harness.Faces, "erin"));
        await ReviewHarness.RunAsync("mv", beforeStop.Path, Path.Combine(_harness.Faces, "erin", "e4.jpg"));
        await ShouldBeApprovedAsync(beforeStop, "erin", Path.Combine(_harness.Faces, "erin", "e4.jpg"));
        await _harness.StopAsync();

        await ReviewHarness.RunAsync("mv", approved.Path, Path.Combine(_harness.Faces, "erin", "mine.jpg"));
        await ReviewHarness.RunAsync("rm", deleted.Path);
        await ReviewHarness.RunAsync("mv", recategorised.Path, Path.Combine(_harness.Review, ReviewCategories.LowConfidence, "maybe.jpg"));
        var manual = Path.Combine(_harness.Faces, "frank", "holiday.jpg");
        var manualHash = ReviewHarness.WriteUnique(manual);
        File.SetLastWriteTimeUtc(manual, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        await _harness.StartAsync();

        await ShouldBeApprovedAsync(approved, "erin", Path.Combine(_harness.Faces, "erin", "mine.jpg"));
        await ShouldBeApprovedAsync(beforeStop, "erin", Path.Combine(_harness.Faces, "erin", "e4.jpg"));
        var rejected = await _harness.WaitForRowAsync(deleted.Id, row => row.Action != ReviewAction.Pending, "the rejection of the file deleted while stopped");
        rejected.Should().BeEquivalentTo(new { Action = ReviewAction.Rejected, ReviewedBy = "file-manager", FilePath = deleted.Path });
        var moved = await _harness.WaitForRowAsync(recategorised.Id, row => row.Category == ReviewCategories.LowConfidence, "the category move");
        moved.Should().BeEquivalentTo(new { Action = ReviewAction.Pending, ReviewedBy = (string?)null, FilePath = Path.Combine(_harness.Review, ReviewCategories.LowConfidence, "maybe.jpg") });
        await Eventually.UntilAsync(async () => (await _harness.Store.ListDownloadsAsync(manualHash, ReviewHarness.Token)).Count == 1, TimeSpan.FromSeconds(15), "the manual addition", ReviewHarness.Token);
        (await _harness.Store.ListDownloadsAsync(manualHash, ReviewHarness.Token)).Single()
            .Should().BeEquivalentTo(new { FilePath = manual, PersonName = "frank", AutoSorted = false });
    }

    [Fact]
    public async Task Moves_between_categories_people_and_back_into_review_are_followed_by_content()
    {
        var file = await _harness.GivenReviewFileAsync("unknown_h.jpg");
        await _harness.StartAsync();

        var lowConfidence = Path.Combine(_harness.Review, ReviewCategories.LowConfidence, "renamed.jpg");
        await ReviewHarness.RunAsync("mv", file.Path, lowConfidence);
        var row = await _harness.WaitForRowAsync(file.Id, row => row.FilePath == lowConfidence, "the row to follow its file");
        row.Should().BeEquivalentTo(new { Action = ReviewAction.Pending, Category = ReviewCategories.LowConfidence });

        Directory.CreateDirectory(Path.Combine(_harness.Faces, "hana"));
        var atHana = Path.Combine(_harness.Faces, "hana", "renamed.jpg");
        await ReviewHarness.RunAsync("mv", lowConfidence, atHana);
        await ShouldBeApprovedAsync(file, "hana", atHana);

        var atIvy = Path.Combine(_harness.Faces, "ivy", "ivy1.jpg");
        await ReviewHarness.RunAsync("sh", "-c", $"mkdir \"{Path.GetDirectoryName(atIvy)}\" && mv \"{atHana}\" \"{atIvy}\"");
        await Eventually.UntilAsync(async () => (await _harness.Store.ListDownloadsAsync(file.Hash, ReviewHarness.Token)).Single().PersonName == "ivy", TimeSpan.FromSeconds(15), "the correction", ReviewHarness.Token);
        (await _harness.Store.ListDownloadsAsync(file.Hash, ReviewHarness.Token)).Single().FilePath.Should().Be(atIvy);
        (await _harness.RowAsync(file.Id)).Should().BeEquivalentTo(new { Action = ReviewAction.Approved, FilePath = atIvy, SuggestedPerson = "ivy" });
        (await _harness.Store.GetStatsAsync(1, TimeProvider.System.GetUtcNow(), ReviewHarness.Token)).Corrections.Should().Be(1);

        var backInReview = Path.Combine(_harness.Review, ReviewCategories.Unidentified, "back.jpg");
        await ReviewHarness.RunAsync("mv", atIvy, backInReview);
        var reopened = await _harness.WaitForRowAsync(file.Id, row => row.Action == ReviewAction.Pending, "the approval to be undone");
        reopened.Should().BeEquivalentTo(new { FilePath = backInReview, Category = ReviewCategories.Unidentified, ReviewedBy = (string?)null, ReviewedAt = (DateTimeOffset?)null });
        (await _harness.Store.ListDownloadsAsync(file.Hash, ReviewHarness.Token)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_file_put_into_a_person_folder_by_hand_makes_later_copies_duplicates_and_our_own_moves_are_ignored()
    {
        await _harness.StartAsync();
        var outside = Path.Combine(_harness.Root, "elsewhere", "beach.jpg");
        var hash = ReviewHarness.WriteUnique(outside);
        var ours = Path.Combine(_harness.Root, "elsewhere", "sorted.jpg");
        var ourHash = ReviewHarness.WriteUnique(ours);
        Directory.CreateDirectory(Path.Combine(_harness.Faces, "judy"));

        var ownDestination = Path.Combine(_harness.Faces, "judy", "sorted.jpg");
        _harness.OwnMoves.Expect(ownDestination);
        await ReviewHarness.RunAsync("mv", ours, ownDestination);
        await ReviewHarness.RunAsync("mv", outside, Path.Combine(_harness.Faces, "judy") + "/");

        await Eventually.UntilAsync(async () => (await _harness.Store.ListDownloadsAsync(hash, ReviewHarness.Token)).Count == 1, TimeSpan.FromSeconds(15), "the manual addition", ReviewHarness.Token);
        (await _harness.Store.ListDownloadsAsync(hash, ReviewHarness.Token)).Single()
            .Should().BeEquivalentTo(new { FilePath = Path.Combine(_harness.Faces, "judy", "beach.jpg"), PersonName = "judy", AutoSorted = false });
        (await _harness.Store.ListDownloadsAsync(ourHash, ReviewHarness.Token)).Should().BeEmpty("the daemon's own moves are recorded by the pipeline, not read as the user's");
        var earlier = await new DuplicateChecker(_harness.Store).FindEarlierCopyAsync(hash, Path.Combine(_harness.Root, "again.jpg"), ReviewHarness.Token);
        earlier!.EarlierPath.Should().Be(Path.Combine(_harness.Faces, "judy", "beach.jpg"));
    }

    [Fact]
    public async Task Cli_approve_and_reject_record_cli_and_the_watcher_adds_nothing()
    {
        var approved = await _harness.GivenReviewFileAsync("unknown_k1.jpg");
        var rejected = await _harness.GivenReviewFileAsync("unknown_k2.jpg");
        await _harness.StartAsync();
        var actions = _harness.Actions();

        (await actions.ApproveAsync(approved.Id, "Kim Lee", "cli", ReviewHarness.Token)).Succeeded.Should().BeTrue();
        (await actions.RejectAsync(rejected.Id, "cli", ReviewHarness.Token)).Succeeded.Should().BeTrue();
        (await actions.ApproveAsync(rejected.Id, "kim", "cli", ReviewHarness.Token)).Succeeded.Should().BeFalse();

        var destination = Path.Combine(_harness.Faces, "kim_lee", "k1.jpg"); // the original name, without the review prefix
        File.Exists(destination).Should().BeTrue();
        File.Exists(rejected.Path).Should().BeFalse();
        // Give the watcher time to see both (a grace and a scan) before asserting it recorded nothing more.
        var marker = await _harness.GivenReviewFileAsync("unknown_k3.jpg");
        await ReviewHarness.RunAsync("rm", marker.Path);
        await _harness.WaitForRowAsync(marker.Id, row => row.Action == ReviewAction.Rejected, "a later rejection, proving the watcher caught up");
        (await _harness.RowAsync(approved.Id)).Should().BeEquivalentTo(new { Action = ReviewAction.Approved, ReviewedBy = "cli", SuggestedPerson = "kim_lee", FilePath = destination });
        (await _harness.RowAsync(rejected.Id)).Should().BeEquivalentTo(new { Action = ReviewAction.Rejected, ReviewedBy = "cli", FilePath = rejected.Path });
        (await _harness.Store.ListDownloadsAsync(approved.Hash, ReviewHarness.Token)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { FilePath = destination, PersonName = "kim_lee", AutoSorted = false });
    }

    private async Task ShouldBeApprovedAsync(GivenFile file, string person, string destination)
    {
        var row = await _harness.WaitForRowAsync(file.Id, row => row.Action != ReviewAction.Pending, $"the approval of {file.Path}");
        row.Should().BeEquivalentTo(new { Action = ReviewAction.Approved, ReviewedBy = "file-manager", SuggestedPerson = person, FilePath = destination });
    }

    private async Task ShouldHaveOneDownloadAsync(GivenFile file, string person, string destination)
    {
        var downloads = await _harness.Store.ListDownloadsAsync(file.Hash, ReviewHarness.Token);
        downloads.Should().ContainSingle().Which.Should().BeEquivalentTo(new { FilePath = destination, PersonName = person, AutoSorted = false, Source = "instagram" });
    }
}
