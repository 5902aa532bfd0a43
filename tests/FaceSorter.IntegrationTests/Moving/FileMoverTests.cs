using FaceSorter.Moving;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FaceSorter.IntegrationTests.Moving;

/// <summary>
/// The journalled mover on real folders and a real SQLite store: a rename that never replaces on one
/// filesystem, a verified copy across two (tmpfs to disk), the clash name when the destination is
/// taken, and the journal entry written before the file moves and left for the caller to complete.
/// </summary>
public sealed class FileMoverTests : MovingHarness
{
    private const int CrossFilesystemMoveEvent = 2009;
    private const int CrossFilesystemMovesEvent = 8800;

    [Fact]
    public async Task On_one_filesystem_the_file_is_renamed_not_copied()
    {
        var source = Write(Inbox, "a.jpg", Content(1));
        var logger = new FakeLogger<FileMover>();
        var target = Path.Combine(Faces, "alice");
        await using var sameInode = new FileStream(source, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);

        var result = (await NewMover(logger).MoveAsync([new MoveRequest(source, target, "a.jpg", Sorted("h1", "alice"))], Token)).Single();

        result.FinalPath.Should().Be(Path.Combine(target, "a.jpg"));
        result.Error.Should().BeNull();
        File.Exists(source).Should().BeFalse();
        sameInode.Write("renamed"u8);
        await sameInode.FlushAsync(Token);
        (await File.ReadAllBytesAsync(result.FinalPath!, Token)).Should().StartWith("renamed"u8.ToArray(), "a rename keeps the inode a writer still holds");
        logger.Collector.GetSnapshot().Should().NotContain(record => record.Id.Id == CrossFilesystemMoveEvent);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_taken_destination_is_never_replaced_the_file_gets_the_clash_name(bool acrossFilesystems)
    {
        var target = Path.Combine(Faces, "alice");
        var existing = Write(target, "a.jpg", Content(1));
        var source = Write(acrossFilesystems ? OtherFilesystemInbox : Inbox, "a.jpg", Content(2));

        var result = (await NewMover().MoveAsync([new MoveRequest(source, target, "a.jpg", Sorted("h2", "alice"))], Token)).Single();

        result.FinalPath.Should().Be(Path.Combine(target, "a_20260402_101530.jpg"));
        (await File.ReadAllBytesAsync(existing, Token)).Should().Equal(Content(1));
        (await File.ReadAllBytesAsync(result.FinalPath!, Token)).Should().Equal(Content(2));
        File.Exists(source).Should().BeFalse();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_destination_taken_after_it_was_chosen_is_not_replaced_and_the_move_is_journalled_again_under_the_clash_name(bool acrossFilesystems)
    {
        var target = Path.Combine(Faces, "alice");
        var chosen = Path.Combine(target, "a.jpg");
        var source = Write(acrossFilesystems ? OtherFilesystemInbox : Inbox, "a.jpg", Content(2));
        var store = ObservedStore.Wrap(Store, (method, _) =>
        {
            if (method == nameof(IMoveJournal.BeginMovesAsync) && !File.Exists(chosen))
            {
                Write(target, "a.jpg", Content(1)); // another process wins the name between the choice and the rename
            }
        });

        var result = (await NewMover(store: store).MoveAsync([new MoveRequest(source, target, "a.jpg", Sorted("h2", "alice"))], Token)).Single();

        (await File.ReadAllBytesAsync(chosen, Token)).Should().Equal(Content(1), "renameat2(RENAME_NOREPLACE) never replaces");
        result.FinalPath.Should().Be(Path.Combine(target, "a_20260402_101530.jpg"));
        (await File.ReadAllBytesAsync(result.FinalPath!, Token)).Should().Equal(Content(2));
        File.Exists(source).Should().BeFalse();
        Directory.GetFiles(target).Should().HaveCount(2, "no temporary copy is left behind");
        var open = (await Store.GetUnfinishedMovesAsync(Token)).Should().ContainSingle("the first intent is abandoned, the second awaits its record").Subject;
        open.Id.Should().Be(result.JournalId);
        open.DestinationPath.Should().Be(result.FinalPath);
    }

    [Fact]
    public async Task Two_files_of_one_name_in_one_batch_each_get_a_name_of_their_own()
    {
        var target = Path.Combine(Faces, "alice");
        var first = Write(Path.Combine(Inbox, "instagram"), "a.jpg", Content(1));
        var second = Write(Path.Combine(Inbox, "twitter"), "a.jpg", Content(2));
        Write(target, "a_20260402_101530.jpg", Content(3));

        var results = await NewMover().MoveAsync(
        [
            new MoveRequest(first, target, "a.jpg", Sorted("h1", "alice")),
            new MoveRequest(second, target, "a.jpg", Sorted("h2", "alice")),
        ], Token);

        results.Select(r => Path.GetFileName(r.FinalPath)).Should().Equal("a.jpg", "a_20260402_101530_1.jpg");
        (await File.ReadAllBytesAsync(results[1].FinalPath!, Token)).Should().Equal(Content(2));
        (await File.ReadAllBytesAsync(Path.Combine(target, "a_20260402_101530.jpg"), Token)).Should().Equal(Content(3));
    }

    [Fact]
    public async Task Across_filesystems_the_file_is_copied_verified_and_only_then_removed()
    {
        var content = Content(4, length: 3_000_000);
        var source = Write(OtherFilesystemInbox, "big.png", content);
        var modified = new DateTime(2025, 12, 24, 18, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(source, modified);
        var logger = new FakeLogger<FileMover>();
        var target = Path.Combine(Faces, "bob");

        var result = (await NewMover(logger).MoveAsync([new MoveRequest(source, target, "big.png", Sorted("h4", "bob"))], Token)).Single();

        result.Error.Should().BeNull();
        result.FinalPath.Should().Be(Path.Combine(target, "big.png"));
        (await File.ReadAllBytesAsync(result.FinalPath!, Token)).Should().Equal(content);
        File.GetLastWriteTimeUtc(result.FinalPath!).Should().Be(modified, "the copy keeps the original's modification time");
        File.Exists(source).Should().BeFalse();
        File.Exists(FileMover.PartialPath(result.FinalPath!)).Should().BeFalse("the temporary name is gone once the copy is complete");
        Directory.GetFiles(target).Should().ContainSingle();
        logger.Collector.GetSnapshot().Should().ContainSingle(record => record.Id.Id == CrossFilesystemMoveEvent);
    }

    [Fact]
    public async Task Moves_across_the_same_two_filesystems_are_announced_once_and_each_file_only_at_debug()
    {
        var logger = new FakeLogger<FileMover>();
        var mover = NewMover(logger);
        var requests = Enumerable.Range(0, 3)
            .Select(i => new MoveRequest(Write(OtherFilesystemInbox, $"c{i}.jpg", Content(20 + i)), Path.Combine(Faces, "carol"), $"c{i}.jpg", Sorted($"hc{i}", "carol")))
            .ToList();

        await mover.MoveAsync(requests.Take(2).ToList(), Token);
        await mover.MoveAsync(requests.Skip(2).ToList(), Token); // a later batch of the same pair

        var records = logger.Collector.GetSnapshot();
        records.Should().ContainSingle(record => record.Id.Id == CrossFilesystemMovesEvent)
            .Which.Message.Should().Contain(OtherFilesystemInbox).And.Contain(Path.Combine(Faces, "carol"));
        records.Where(record => record.Id.Id == CrossFilesystemMoveEvent).Should().HaveCount(3).And.OnlyContain(record => record.Level == LogLevel.Debug);
    }

    [Fact]
    public async Task The_journal_entry_is_written_before_the_file_moves_and_stays_open_until_the_caller_completes_it()
    {
        var source = Write(Inbox, "a.jpg", Content(7));
        var target = Path.Combine(Faces, "alice");
        var destination = Path.Combine(target, "a.jpg");
        var onDiskWhenJournalled = new List<(bool AtSource, bool AtDestination)>();
        var store = ObservedStore.Wrap(Store, (method, _) =>
        {
            if (method == nameof(IMoveJournal.BeginMovesAsync))
            {
                onDiskWhenJournalled.Add((File.Exists(source), File.Exists(destination)));
            }
        });

        var result = (await NewMover(store: store).MoveAsync([new MoveRequest(source, target, "a.jpg", Sorted("h7", "alice"))], Token)).Single();

        onDiskWhenJournalled.Should().Equal([(true, false)], "the intent is journalled while the file is still in the drop folder");
        var open = (await Store.GetUnfinishedMovesAsync(Token)).Should().ContainSingle("a crash right now is covered by the journal").Subject;
        open.Id.Should().Be(result.JournalId);
        open.SourcePath.Should().Be(source);
        open.DestinationPath.Should().Be(destination);
        (await Store.ListDownloadsAsync(null, Token)).Should().BeEmpty("the record is written with the journal's completion");

        await Store.CompleteMovesAsync([new CompletedMove(result.JournalId!.Value, result.FinalPath!)], Token);

        (await Store.GetUnfinishedMovesAsync(Token)).Should().BeEmpty();
        (await Store.ListDownloadsAsync(null, Token)).Should().ContainSingle().Which.FilePath.Should().Be(destination);
    }

    [Fact]
    public async Task A_source_that_vanished_before_its_move_is_abandoned_not_recorded()
    {
        var gone = Path.Combine(Inbox, "gone.jpg");

        var result = (await NewMover().MoveAsync([new MoveRequest(gone, Path.Combine(Faces, "alice"), "gone.jpg", Sorted("h8", "alice"))], Token)).Single();

        result.FinalPath.Should().BeNull();
        (await Store.GetUnfinishedMovesAsync(Token)).Should().BeEmpty();
        Directory.Exists(Path.Combine(Faces, "alice")).Should().BeFalse("nothing went there, and the folder made for it would look like a person the user added");
    }

    [Fact]
    public async Task A_target_folder_that_cannot_be_made_stops_only_the_files_bound_for_it()
    {
        // A file where faces/bob/ goes: before, the whole batch failed on it, the files for alice too.
        Write(Faces, "bob", Content(9));
        var forAlice = Write(Inbox, "a.jpg", Content(1));
        var forBob = new[] { Write(Inbox, "b1.jpg", Content(2)), Write(Inbox, "b2.jpg", Content(3)) };

        var results = await NewMover().MoveAsync(
        [
            new MoveRequest(forBob[0], Path.Combine(Faces, "bob"), "b1.jpg", Sorted("h1", "bob")),
            new MoveRequest(forAlice, Path.Combine(Faces, "alice"), "a.jpg", Sorted("h2", "alice")),
            new MoveRequest(forBob[1], Path.Combine(Faces, "bob"), "b2.jpg", Sorted("h3", "bob")),
        ], Token);

        results[1].FinalPath.Should().Be(Path.Combine(Faces, "alice", "a.jpg"));
        foreach (var refused in new[] { results[0], results[2] })
        {
            refused.FinalPath.Should().BeNull();
            refused.Error.Should().BeAssignableTo<IOException>("the folder could not be made, which is not a vanished source")
                .Which.Message.Should().Be($"{Path.Combine(Faces, "bob")} cannot be created: {Path.Combine(Faces, "bob")} is a file, not a folder");
        }

        forBob.Should().AllSatisfy(path => File.Exists(path).Should().BeTrue("a file that could not move stays where it was"));
        (await Store.GetUnfinishedMovesAsync(Token)).Should().ContainSingle("only alice's move was journalled, and its caller completes it");
    }
}
