using FaceSorter.Moving;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging.Testing;

namespace FaceSorter.IntegrationTests.Moving;

/// <summary>
/// Start-up recovery of moves a crash interrupted, one test per point the crash can hit: each journal
/// entry is finished or undone from what is on disk, and a moved file is recorded exactly once, even
/// when recovery runs again. The crash is staged by journalling through the real store and leaving
/// the disk as the mover would have left it at that point.
/// </summary>
public sealed class JournalRecoveryTests : MovingHarness
{
    private const int MoveRecoveredEvent = 2007;

    private async Task<long> JournalAsync(string source, string destination, string hash)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        return (await Store.BeginMovesAsync([new PlannedMove(source, destination, Sorted(hash, "alice"))], Token)).Single();
    }

    private async Task RecoverTwiceAsync(JournalRecovery recovery, int expected)
    {
        (await recovery.RecoverAsync(Token)).Should().Be(expected);
        (await recovery.RecoverAsync(Token)).Should().Be(0, "every entry is resolved by the first run");
        (await Store.GetUnfinishedMovesAsync(Token)).Should().BeEmpty();
    }

    [Fact]
    public async Task Journalled_but_not_yet_moved_is_undone_and_the_file_stays_in_the_drop_folder_unrecorded()
    {
        var source = Write(Inbox, "a.jpg", Content(1));
        await JournalAsync(source, Path.Combine(Faces, "alice", "a.jpg"), "h1");
        var logger = new FakeLogger<JournalRecovery>();

        await RecoverTwiceAsync(NewRecovery(logger: logger), expected: 1);

        (await File.ReadAllBytesAsync(source, Token)).Should().Equal(Content(1));
        File.Exists(Path.Combine(Faces, "alice", "a.jpg")).Should().BeFalse();
        (await Store.ListDownloadsAsync(null, Token)).Should().BeEmpty("the scan sorts the file again and records it then");
        logger.Collector.GetSnapshot().Should().ContainSingle(record => record.Id.Id == MoveRecoveredEvent)
            .Which.Message.Should().Contain("not moved");
    }

    [Fact]
    public async Task Moved_but_not_completed_is_recorded_once()
    {
        var source = Path.Combine(Inbox, "a.jpg");
        var destination = Path.Combine(Faces, "alice", "a.jpg");
        await JournalAsync(source, destination, "h2");
        Write(Path.Combine(Faces, "alice"), "a.jpg", Content(2)); // the rename happened; the crash came before the record

        await RecoverTwiceAsync(NewRecovery(), expected: 1);

        (await File.ReadAllBytesAsync(destination, Token)).Should().Equal(Content(2));
        var row = (await Store.ListDownloadsAsync(null, Token)).Should().ContainSingle().Subject;
        row.FilePath.Should().Be(destination);
        row.FileHash.Should().Be("h2");
        row.PersonName.Should().Be("alice");
    }

    [Fact]
    public async Task A_partial_cross_filesystem_copy_is_removed_and_the_source_left_whole()
    {
        var source = Write(OtherFilesystemInbox, "big.png", Content(3));
        var destination = Path.Combine(Faces, "alice", "big.png");
        await JournalAsync(source, destination, "h3");
        var partial = FileMover.PartialPath(destination);
        Write(Path.GetDirectoryName(partial)!, Path.GetFileName(partial), Content(3)[..50_000]); // the copy was cut short

        await RecoverTwiceAsync(NewRecovery(inbox: OtherFilesystemInbox), expected: 1);

        File.Exists(partial).Should().BeFalse();
        File.Exists(destination).Should().BeFalse();
        (await File.ReadAllBytesAsync(source, Token)).Should().Equal(Content(3));
        (await Store.ListDownloadsAsync(null, Token)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_finished_cross_filesystem_copy_whose_source_was_not_yet_removed_is_completed_once()
    {
        var source = Write(OtherFilesystemInbox, "big.png", Content(4));
        var destination = Path.Combine(Faces, "alice", "big.png");
        await JournalAsync(source, destination, "h4");
        Write(Path.Combine(Faces, "alice"), "big.png", Content(4)); // copied and renamed; the source's unlink never ran

        await RecoverTwiceAsync(NewRecovery(inbox: OtherFilesystemInbox), expected: 1);

        File.Exists(source).Should().BeFalse("the copy has the same content, so the original goes");
        (await File.ReadAllBytesAsync(destination, Token)).Should().Equal(Content(4));
        (await Store.ListDownloadsAsync(null, Token)).Should().ContainSingle().Which.FilePath.Should().Be(destination);
    }

    [Fact]
    public async Task A_destination_holding_other_content_keeps_both_files_and_records_nothing()
    {
        var source = Write(OtherFilesystemInbox, "big.png", Content(5));
        var destination = Path.Combine(Faces, "alice", "big.png");
        await JournalAsync(source, destination, "h5");
        Write(Path.Combine(Faces, "alice"), "big.png", Content(6));

        await RecoverTwiceAsync(NewRecovery(inbox: OtherFilesystemInbox), expected: 1);

        (await File.ReadAllBytesAsync(source, Token)).Should().Equal(Content(5));
        (await File.ReadAllBytesAsync(destination, Token)).Should().Equal(Content(6));
        (await Store.ListDownloadsAsync(null, Token)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_file_gone_from_both_places_is_abandoned()
    {
        await JournalAsync(Path.Combine(Inbox, "deleted.jpg"), Path.Combine(Faces, "alice", "deleted.jpg"), "h7");

        await RecoverTwiceAsync(NewRecovery(), expected: 1);

        (await Store.ListDownloadsAsync(null, Token)).Should().BeEmpty();
    }

    [Fact]
    public async Task Moves_out_of_another_daemons_drop_folder_are_left_to_that_daemon()
    {
        var elsewhere = Write(OtherFilesystemInbox, "theirs.jpg", Content(8));
        var id = await JournalAsync(elsewhere, Path.Combine(Faces, "alice", "theirs.jpg"), "h8");

        (await NewRecovery().RecoverAsync(Token)).Should().Be(0);

        (await Store.GetUnfinishedMovesAsync(Token)).Should().ContainSingle().Which.Id.Should().Be(id);
        File.Exists(elsewhere).Should().BeTrue();
    }

    [Fact]
    public async Task A_move_interrupted_after_the_mover_ran_is_recorded_once_by_recovery()
    {
        // The real mover, then a "crash" before the caller completed the journal.
        var source = Write(OtherFilesystemInbox, "c.jpg", Content(9));
        var moved = (await NewMover().MoveAsync([new MoveRequest(source, Path.Combine(Faces, "alice"), "c.jpg", Sorted("h9", "alice"))], Token)).Single();

        await RecoverTwiceAsync(NewRecovery(inbox: OtherFilesystemInbox), expected: 1);

        (await Store.ListDownloadsAsync(null, Token)).Should().ContainSingle().Which.FilePath.Should().Be(moved.FinalPath);
        File.Exists(source).Should().BeFalse();
    }
}
