using FaceSorter.Decisions;
using FaceSorter.Options;
using FaceSorter.Pipeline;
using FaceSorter.Pipeline.Stages;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging.Testing;

namespace FaceSorter.IntegrationTests.Moving;

/// <summary>
/// The move stage on real folders and a real SQLite store: when the completed moves of a batch cannot be
/// recorded, the files stay moved, that is logged once, the next batch is sorted as usual, and start-up
/// journal recovery writes the missing records.
/// </summary>
public sealed class MoveStageTests : MovingHarness
{
    private const int MovesNotRecordedEvent = 8590;

    [Fact]
    public async Task A_batch_whose_records_cannot_be_written_is_logged_once_and_the_next_batch_is_sorted()
    {
        var failNextCompletion = true;
        var journal = ObservedStore.Wrap(Store, (method, _) =>
        {
            if (method == nameof(IMoveJournal.CompleteMovesAsync) && failNextCompletion)
            {
                failNextCompletion = false;
                throw new IOException("database or disk is full");
            }
        });
        var logger = new FakeLogger<MoveStage>();
        var stage = new MoveStage(NewMover(store: journal), journal, logger);

        var first = await stage.MoveAsync([Decided("a.jpg", "h1"), Decided("b.jpg", "h2")], Token);
        var second = await stage.MoveAsync([Decided("c.jpg", "h3")], Token);

        first.Should().AllBeOfType<MoveOutcome.Moved>("the files were moved before recording failed");
        second.Should().ContainSingle().Which.Should().BeOfType<MoveOutcome.Moved>();
        logger.Collector.GetSnapshot().Where(record => record.Id.Id == MovesNotRecordedEvent).Should().ContainSingle()
            .Which.Message.Should().Contain("2 files").And.Contain("database or disk is full");
        (await Store.ListReviewAsync(null, null, Token)).Select(item => Path.GetFileName(item.FilePath)).Should().Equal("duplicate_c.jpg");
        (await Store.GetUnfinishedMovesAsync(Token)).Should().HaveCount(2, "the unrecorded moves stay in the journal");

        (await NewRecovery().RecoverAsync(Token)).Should().Be(2);

        (await Store.ListReviewAsync(null, null, Token)).Select(item => Path.GetFileName(item.FilePath)).Should().BeEquivalentTo(["duplicate_a.jpg", "duplicate_b.jpg", "duplicate_c.jpg"]);
        (await Store.GetUnfinishedMovesAsync(Token)).Should().BeEmpty();
    }

    private DecidedFile Decided(string name, string hash)
    {
        var path = Write(Inbox, name, Content(name.GetHashCode(StringComparison.Ordinal)));
        var file = new InboxFile(path, null, new FileInfo(path).Length, File.GetLastWriteTimeUtc(path));
        return SortPlan.Decide(new CheckedFile(file, hash, DecisionInput.Duplicate(new ExactCopy(null, null))), DecisionRules.From(new SortingOptions()),
            new DirectoriesOptions { Inbox = Inbox, Faces = Faces, Review = Review });
    }
}
