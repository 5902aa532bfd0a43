using FaceSorter.Decisions;
using FaceSorter.Options;
using FaceSorter.Pipeline;
using FaceSorter.Pipeline.Stages;
using FaceSorter.Storage;
using FaceSorter.Tests.Support;

namespace FaceSorter.Tests.Pipeline;

public sealed class SortPlanTests
{
    private const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static readonly DirectoriesOptions Directories = new() { Inbox = "/srv/in", Faces = "/srv/faces", Review = "/srv/review" };
    private static readonly InboxFile File = new("/srv/in/instagram/IMG_1.jpg", "instagram", 2048, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));
    private static readonly DecisionRules Rules = new(new HashSet<string>(), new HashSet<string>(), 0.6, 1, 0);

    [Fact]
    public void A_sorted_file_goes_to_its_person_under_its_own_name_recorded_as_a_download()
    {
        var decided = SortPlan.Decide(new CheckedFile(File, Hash, DecisionInput.WithFaces([Some.Face("Alice", 0.9)])), Rules, Directories);

        decided.Decision.Reason.Should().Be(SortReason.Sorted);
        decided.Move.SourcePath.Should().Be(File.Path);
        decided.Move.TargetDirectory.Should().Be("/srv/faces/alice");
        decided.Move.FileName.Should().Be("IMG_1.jpg");
        decided.Move.Outcome.Should().BeEquivalentTo(new OutcomeRecord(RecordKind.Download, Hash, "instagram", "alice", null, decided.Decision.Detail, 1, null, 0.9));
    }

    [Fact]
    public void A_file_ruled_out_by_its_bytes_is_recorded_with_its_hash_but_claims_no_content()
    {
        var decided = SortPlan.Decide(new CheckedFile(File, Hash, DecisionInput.Invalid("empty file (0 bytes)"), ClaimsContent: false), Rules, Directories);

        decided.Move.FileName.Should().Be("invalid_IMG_1.jpg");
        decided.Move.Outcome.Should().BeEquivalentTo(new { Kind = RecordKind.Review, FileHash = Hash, ClaimsContent = false });
    }

    [Fact]
    public void A_journal_entry_written_before_the_claim_flag_existed_reads_as_claiming_its_content()
    {
        var outcome = OutcomeJson.Deserialize("""{"Kind":"Review","FileHash":"ab","Source":null,"PersonName":null,"Category":"unidentified","Reason":"no face","FacesDetected":0,"SuggestedPerson":null,"Confidence":null}""");

        outcome.ClaimsContent.Should().BeTrue();
        OutcomeJson.Deserialize(OutcomeJson.Serialize(outcome with { ClaimsContent = false })).ClaimsContent.Should().BeFalse();
    }

    [Fact]
    public void The_run_summary_splits_the_sorted_files_into_faces_and_review()
    {
        var summary = new RunSummary();
        summary.Sorted("faces/alice");
        summary.Sorted("faces/bob");
        summary.Sorted("review/duplicates");

        (summary.Finished, summary.ToFaces, summary.ToReview).Should().Be((3, 2, 1));
    }

    [Fact]
    public void A_failed_file_counts_as_held_while_it_is_there_unchanged()
    {
        var path = Path.Combine(Path.GetTempPath(), "facesorter-ledger-" + Guid.NewGuid().ToString("N"));
        System.IO.File.WriteAllText(path, "x");
        try
        {
            var info = new FileInfo(path);
            var ledger = new InboxLedger();
            var file = new InboxFile(path, null, info.Length, info.LastWriteTimeUtc);
            ledger.TryStart(file).Should().BeTrue();
            (ledger.InFlightCount, ledger.HeldCount).Should().Be((1, 0));

            ledger.Fail(file);
            (ledger.InFlightCount, ledger.HeldCount).Should().Be((0, 1));

            System.IO.File.AppendAllText(path, "y");
            ledger.HeldCount.Should().Be(0, "a changed file is settled again and counted there");
            System.IO.File.Delete(path);
            ledger.HeldCount.Should().Be(0);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void A_file_for_review_goes_to_its_category_with_the_prefix_and_the_person_as_a_suggestion()
    {
        var decided = SortPlan.Decide(new CheckedFile(File, Hash, DecisionInput.WithFaces([Some.Face("Alice", 0.4)])), Rules, Directories);

        decided.Move.TargetDirectory.Should().Be("/srv/review/low_confidence");
        decided.Move.FileName.Should().Be("lowconf_IMG_1.jpg");
        decided.Move.Outcome.Kind.Should().Be(RecordKind.Review);
        decided.Move.Outcome.PersonName.Should().BeNull();
        decided.Move.Outcome.SuggestedPerson.Should().Be("alice");
        decided.Move.Outcome.Category.Should().Be(ReviewCategories.LowConfidence);
    }

    [Fact]
    public void A_file_ruled_out_by_its_leading_bytes_is_recorded_without_a_hash()
    {
        var decided = SortPlan.Decide(new CheckedFile(File, null, DecisionInput.Invalid("empty file (0 bytes)")), Rules, Directories);

        decided.Hash.Should().BeNull();
        decided.Move.Outcome.FileHash.Should().BeNull();
        decided.Move.FileName.Should().Be("invalid_IMG_1.jpg");
        decided.Move.TargetDirectory.Should().Be("/srv/review/unidentified");
    }

    [Fact]
    public void The_decided_file_keeps_the_drop_folder_file_and_its_hash()
    {
        var decided = SortPlan.Decide(new CheckedFile(File, Hash, DecisionInput.Duplicate(new ExactCopy("/srv/faces/alice/IMG_0.jpg", "sorted"))), Rules, Directories);

        decided.File.Should().Be(File);
        decided.Hash.Should().Be(Hash);
        decided.Move.FileName.Should().Be("duplicate_IMG_1.jpg");
    }

    [Fact]
    public void A_sorted_file_is_shown_and_counted_by_its_place_under_faces_or_review()
    {
        var sorted = SortPlan.Decide(new CheckedFile(File, Hash, DecisionInput.WithFaces([Some.Face("Alice", 0.9)])), Rules, Directories);
        var review = SortPlan.Decide(new CheckedFile(File, Hash, DecisionInput.WithFaces([])), Rules, Directories);

        SortPlan.Shown(new SortedFile(File, Hash, sorted.Decision, "/srv/faces/alice/IMG_1_20260102_030405.jpg"), Directories).Should().Be("faces/alice/IMG_1_20260102_030405.jpg");
        SortPlan.Shown(new SortedFile(File, Hash, review.Decision, "/srv/review/unidentified/noface_IMG_1.jpg"), Directories).Should().Be("review/unidentified/noface_IMG_1.jpg");
        SortPlan.FolderOf(sorted.Decision).Should().Be("faces/alice");
        SortPlan.FolderOf(review.Decision).Should().Be("review/unidentified");
    }
}
