using FaceSorter.IntegrationTests.Support;
using FaceSorter.Storage;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// The settle rule against the real watcher and real files, with the write patterns of real downloaders
/// (docs/linux-facts.md, "How downloaders write"). The content here is not an image, so every finished file
/// ends in review/unidentified/invalid_… without asking Immich: the outcome proves when it was taken.
/// </summary>
public sealed class DownloadSettlingTests : IDisposable
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    private string Invalid(TestDaemon daemon, string name) => Path.Combine(daemon.Review, "unidentified", "invalid_" + name);

    [Fact]
    public async Task Files_already_in_the_drop_folder_before_start_are_sorted()
    {
        var inbox = _folder.Combine("data", "temp_downloads");
        Directory.CreateDirectory(Path.Combine(inbox, "blog"));
        await File.WriteAllTextAsync(Path.Combine(inbox, "early.txt"), "not an image", _timeout.Token);
        await File.WriteAllTextAsync(Path.Combine(inbox, "blog", "nested.txt"), "also not an image", _timeout.Token);

        await using var daemon = await TestDaemon.StartAsync(_folder.Path, null, _timeout.Token);

        await Eventually.UntilAsync(() => File.Exists(Invalid(daemon, "early.txt")) && File.Exists(Invalid(daemon, "nested.txt")), Deadline, "both files sorted", _timeout.Token);
        var rows = await daemon.ReviewRowsAsync(2, _timeout.Token);
        rows.Should().HaveCount(2);
        rows.Single(row => row.FilePath.EndsWith("invalid_nested.txt", StringComparison.Ordinal)).Source.Should().Be("blog");
        rows.Single(row => row.FilePath.EndsWith("invalid_early.txt", StringComparison.Ordinal)).Source.Should().BeNull();
        rows.Should().OnlyContain(row => row.Reason!.Contains("not an image"));
    }

    [Fact]
    public async Task A_download_that_lands_as_a_sub_folder_is_moved_out_is_still_sorted_long_before_the_next_scan()
    {
        // Back to back in this process, within the 2 ms in which .NET 10's watcher on the drop folder dies
        // silently (docs/linux-facts.md, "A watcher that dies silently"): neither change is reported, and
        // only the health check finds the dead watcher; the scan it then runs finds the file.
        var inbox = _folder.Combine("data", "temp_downloads");
        Directory.CreateDirectory(Path.Combine(inbox, "album"));
        var staged = _folder.Combine("staged.txt");
        await File.WriteAllTextAsync(staged, "a finished download", _timeout.Token);
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg => cfg["RescanInterval"] = "01:00:00", _timeout.Token);
        await File.WriteAllTextAsync(Path.Combine(inbox, "first.txt"), "sorted once the watcher runs", _timeout.Token);
        await daemon.UntilSortedAsync(Invalid(daemon, "first.txt"), "the watcher runs", _timeout.Token);

        Directory.Move(Path.Combine(inbox, "album"), _folder.Combine("album-kept"));
        File.Move(staged, Path.Combine(inbox, "late.txt"));

        await daemon.UntilSortedAsync(Invalid(daemon, "late.txt"), "sorted long before the hourly scan", _timeout.Token);
    }

    [Fact]
    public async Task A_file_hard_linked_into_the_drop_folder_is_sorted_as_one_moved_in_is()
    {
        // link(2) shows as IN_CREATE with no write and no close after it: taken for a file being created,
        // a hard-linked file waited, unlogged, until a restart (helper-66's trial).
        var kept = _folder.Combine("kept.txt");
        await File.WriteAllTextAsync(kept, "a finished download, kept elsewhere too", _timeout.Token);
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg => cfg["RescanInterval"] = "01:00:00", _timeout.Token);
        await File.WriteAllTextAsync(Path.Combine(daemon.Inbox, "first.txt"), "sorted once the watcher runs", _timeout.Token);
        await daemon.UntilSortedAsync(Invalid(daemon, "first.txt"), "the watcher runs", _timeout.Token);

        using (var ln = System.Diagnostics.Process.Start("ln", [kept, Path.Combine(daemon.Inbox, "linked.txt")]))
        {
            await ln.WaitForExitAsync(_timeout.Token);
            ln.ExitCode.Should().Be(0);
        }

        await daemon.UntilSortedAsync(Invalid(daemon, "linked.txt"), "sorted long before the hourly scan", _timeout.Token);
        File.Exists(kept).Should().BeTrue("the other name is left alone");
    }

    [Fact]
    public async Task A_file_last_written_before_start_is_taken_at_the_first_look_and_one_written_just_now_waits_out_SettleTime()
    {
        // SettleTime far beyond the deadline: a file sorted in time was quiet since its mtime (docs/linux-facts.md, "Files found at start").
        var inbox = _folder.Combine("data", "temp_downloads");
        Directory.CreateDirectory(inbox);
        var old = Path.Combine(inbox, "old.txt");
        await File.WriteAllTextAsync(old, "finished an hour ago", _timeout.Token);
        File.SetLastWriteTimeUtc(old, TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(-1));
        var fresh = Path.Combine(inbox, "fresh.txt");
        await File.WriteAllTextAsync(fresh, "finished just now", _timeout.Token);

        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg =>
        {
            cfg["SettleTime"] = "00:01:00";
            cfg["BlindSettleTime"] = "00:01:00";
        }, _timeout.Token);

        await daemon.UntilSortedAsync(Invalid(daemon, "old.txt"), "taken at the first look", _timeout.Token);
        File.Exists(fresh).Should().BeTrue("its quiet period counts from its last write, a moment before the start");
    }

    [Fact]
    public async Task A_file_last_written_before_start_but_still_held_open_by_its_writer_is_not_taken_until_closed()
    {
        var inbox = _folder.Combine("data", "temp_downloads");
        Directory.CreateDirectory(inbox);
        var path = Path.Combine(inbox, "stalled.txt");
        using var writer = await FileHolder.StartAsync(path, forWriting: true, _timeout.Token);
        File.SetLastWriteTimeUtc(path, TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(-1)); // a download stalled long before the start

        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg => cfg["SettleTime"] = "00:00:01", _timeout.Token);

        await Eventually.HoldsForAsync(() => File.Exists(path), TimeSpan.FromSeconds(3), "the writer still holds it open", _timeout.Token);
        await writer.CloseAsync(_timeout.Token);
        await daemon.UntilSortedAsync(Invalid(daemon, "stalled.txt"), "taken once closed", _timeout.Token);
        (await File.ReadAllTextAsync(Invalid(daemon, "stalled.txt"), _timeout.Token)).Should().Be(FileHolder.FirstPart + FileHolder.LastPart);
    }

    [Fact]
    public async Task A_download_the_starting_shell_held_open_is_taken_once_the_shell_closes_it_though_the_daemon_inherited_the_descriptor()
    {
        var config = TestConfig.Write(_folder.Path);
        var inbox = _folder.Combine("data", "temp_downloads");
        Directory.CreateDirectory(inbox);
        var path = Path.Combine(inbox, "held.txt");
        using var daemon = await DaemonProcess.StartFromShellHoldingAsync(config, path, _timeout.Token);
        await Eventually.UntilAsync(() => daemon.Output.Contains("for finished downloads", StringComparison.Ordinal) || daemon.HasExited, Deadline, "the daemon watching", _timeout.Token);
        daemon.Output.Should().Contain($"FaceSorter was started holding {path} open for writing");

        await daemon.TellAsync("finish", _timeout.Token); // the shell writes the rest and closes its copy
        var sorted = Path.Combine(_folder.Path, "data", "review", "unidentified", "invalid_held.txt");
        await Eventually.UntilAsync(() => File.Exists(sorted), Deadline, "taken once its only writer closed it", _timeout.Token);
        (await File.ReadAllTextAsync(sorted, _timeout.Token)).Should().Be("part one part two");
    }

    [Fact]
    public async Task A_file_its_own_process_is_writing_in_the_drop_folder_when_a_daemon_starts_keeps_its_descriptor()
    {
        // A daemon hosted in a process that is writing into the drop folder as it starts (as the tests'
        // in-process daemons are): that descriptor is the process's own (close-on-exec, as all .NET
        // opens), not one inherited from a shell, and closing it would break the write (EBADF).
        var inbox = _folder.Combine("data", "temp_downloads");
        Directory.CreateDirectory(inbox);
        var staging = Path.Combine(inbox, ".staging"); // a hidden name: not taken while it is written
        var writer = new FileStream(staging, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        await using (writer)
        {
            await writer.WriteAsync("part one "u8.ToArray(), _timeout.Token);
            await using var daemon = await TestDaemon.StartAsync(_folder.Path, null, _timeout.Token);
            await File.WriteAllTextAsync(Path.Combine(daemon.Inbox, "marker.txt"), "not an image", _timeout.Token);
            await daemon.UntilSortedAsync(Invalid(daemon, "marker.txt"), "the drop folder monitor past its start", _timeout.Token);

            await writer.WriteAsync("part two"u8.ToArray(), _timeout.Token); // unbuffered: a write(2) on the descriptor now
            await writer.DisposeAsync();
            File.Move(staging, Path.Combine(daemon.Inbox, "written.txt"));

            await daemon.UntilSortedAsync(Invalid(daemon, "written.txt"), "the finished file sorted", _timeout.Token);
            (await File.ReadAllTextAsync(Invalid(daemon, "written.txt"), _timeout.Token)).Should().Be("part one part two");
        }
    }

    [Fact]
    public async Task A_symbolic_link_stays_in_the_drop_folder_with_a_recorded_reason_and_its_target_is_untouched()
    {
        var target = _folder.Combine("elsewhere.txt");
        await File.WriteAllTextAsync(target, "the user's own file", _timeout.Token);
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, null, _timeout.Token);
        var link = Path.Combine(daemon.Inbox, "link.jpg");
        File.CreateSymbolicLink(link, target);
        await File.WriteAllTextAsync(Path.Combine(daemon.Inbox, "plain.txt"), "not an image", _timeout.Token);

        await daemon.ReviewRowsAsync(1, _timeout.Token); // the regular file beside it went its way
        await Eventually.UntilAsync(async () => (await daemon.Store.GetHeldFilesAsync(_timeout.Token)).Any(held => held.FilePath == link), Deadline, "the link recorded as held", _timeout.Token);

        (await daemon.Store.GetHeldFilesAsync(_timeout.Token)).Single(held => held.FilePath == link).Reason.Should().Contain("symbolic link");
        new FileInfo(link).LinkTarget.Should().Be(target, "the link stays where the user put it");
        (await File.ReadAllTextAsync(target, _timeout.Token)).Should().Be("the user's own file");
    }

    [Fact]
    public async Task A_held_file_the_user_removes_is_no_longer_held_after_the_next_scan()
    {
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg => cfg["RescanInterval"] = "00:00:01", _timeout.Token);
        var link = Path.Combine(daemon.Inbox, "link.jpg");
        File.CreateSymbolicLink(link, _folder.Combine("nowhere.jpg"));
        await Eventually.UntilAsync(async () => (await daemon.Store.GetHeldFilesAsync(_timeout.Token)).Any(held => held.FilePath == link), Deadline, "held", _timeout.Token);

        File.Delete(link);

        await Eventually.UntilAsync(async () => (await daemon.Store.GetHeldFilesAsync(_timeout.Token)).Count == 0, Deadline, "no longer held", _timeout.Token);
    }

    [Fact]
    public async Task A_fifo_is_held_with_a_reason_and_does_not_block_the_files_after_it()
    {
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, null, _timeout.Token);
        var fifo = Path.Combine(daemon.Inbox, "pipe.jpg");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync(_timeout.Token);
            mkfifo.ExitCode.Should().Be(0);
        }

        for (var i = 0; i < 3; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(daemon.Inbox, $"after{i}.txt"), "not an image", _timeout.Token);
        }

        await daemon.ReviewRowsAsync(3, _timeout.Token);
        await Eventually.UntilAsync(async () => (await daemon.Store.GetHeldFilesAsync(_timeout.Token)).Any(held => held.FilePath == fifo), Deadline, "the FIFO recorded as held", _timeout.Token);
        (await daemon.Store.GetHeldFilesAsync(_timeout.Token)).Single(held => held.FilePath == fifo).Reason.Should().Contain("not a regular file");
    }

    [Fact]
    public async Task A_file_still_open_for_writing_is_left_alone_until_it_is_closed()
    {
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, null, _timeout.Token);
        var path = Path.Combine(daemon.Inbox, "slow.txt");

        // A writer is always another process (the daemon does not look at its own descriptors).
        using var writer = await FileHolder.StartAsync(path, forWriting: true, _timeout.Token);

        // A control file written at the same moment settles and is sorted; by then the open file
        // has been looked at too, and must still be in the drop folder.
        await File.WriteAllTextAsync(Path.Combine(daemon.Inbox, "control.txt"), "x", _timeout.Token);
        await Eventually.UntilAsync(() => File.Exists(Invalid(daemon, "control.txt")), Deadline, "the control file is sorted", _timeout.Token);
        await Eventually.HoldsForAsync(() => File.Exists(path), TimeSpan.FromSeconds(1), "a file open for writing is never touched (three settle periods)", _timeout.Token);

        await writer.CloseAsync(_timeout.Token);

        await Eventually.UntilAsync(() => File.Exists(Invalid(daemon, "slow.txt")), Deadline, "sorted after close", _timeout.Token);
        (await File.ReadAllTextAsync(Invalid(daemon, "slow.txt"), _timeout.Token)).Should().Be(FileHolder.FirstPart + FileHolder.LastPart);
    }

    [Fact]
    public async Task A_browser_crdownload_is_sorted_once_under_its_final_name_after_the_rename()
    {
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, null, _timeout.Token);
        var unconfirmed = Path.Combine(daemon.Inbox, "Unconfirmed 123456.crdownload");
        var partial = Path.Combine(daemon.Inbox, "photo.jpg.crdownload");
        await File.WriteAllTextAsync(unconfirmed, "not", _timeout.Token);
        File.Move(unconfirmed, partial);
        await File.AppendAllTextAsync(partial, " an image", _timeout.Token);

        // The temporary name is never touched, however long it is quiet.
        await File.WriteAllTextAsync(Path.Combine(daemon.Inbox, "control.txt"), "x", _timeout.Token);
        await Eventually.UntilAsync(() => File.Exists(Invalid(daemon, "control.txt")), Deadline, "the control file is sorted", _timeout.Token);
        File.Exists(partial).Should().BeTrue();

        File.Move(partial, Path.Combine(daemon.Inbox, "photo.jpg"));

        await Eventually.UntilAsync(() => File.Exists(Invalid(daemon, "photo.jpg")), Deadline, "sorted under its final name", _timeout.Token);
        var rows = await daemon.ReviewRowsAsync(2, _timeout.Token);
        rows.Where(row => row.FilePath.Contains("photo", StringComparison.Ordinal)).Should().ContainSingle();
    }

    [Fact]
    public async Task A_firefox_placeholder_waits_for_its_part_file_and_is_sorted_once_with_the_content()
    {
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg => cfg["EmptyFileTimeout"] = "00:00:01", _timeout.Token);
        var final = Path.Combine(daemon.Inbox, "pic.jpg");
        var part = final + ".part";
        await File.WriteAllBytesAsync(final, [], _timeout.Token);
        await File.WriteAllTextAsync(part, "downloaded content, not an image", _timeout.Token);

        await File.WriteAllTextAsync(Path.Combine(daemon.Inbox, "control.txt"), "x", _timeout.Token);
        await Eventually.UntilAsync(() => File.Exists(Invalid(daemon, "control.txt")), Deadline, "the control file is sorted", _timeout.Token);
        await Eventually.HoldsForAsync(() => File.Exists(final), TimeSpan.FromSeconds(1.5), "the placeholder has a .part companion, so it is not an empty file yet, even past the empty-file timeout", _timeout.Token);

        File.Move(part, final, overwrite: true);

        await Eventually.UntilAsync(() => File.Exists(Invalid(daemon, "pic.jpg")), Deadline, "sorted with the content", _timeout.Token);
        (await File.ReadAllTextAsync(Invalid(daemon, "pic.jpg"), _timeout.Token)).Should().Be("downloaded content, not an image");
    }

    [Fact]
    public async Task An_aria2_download_waits_for_its_control_file_to_go()
    {
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, null, _timeout.Token);
        var data = Path.Combine(daemon.Inbox, "big.bin");
        var control = data + ".aria2";
        await File.WriteAllBytesAsync(control, new byte[61], _timeout.Token);
        await File.WriteAllBytesAsync(data, new byte[4096], _timeout.Token); // preallocated: full size from the start

        await File.WriteAllTextAsync(Path.Combine(daemon.Inbox, "control.txt"), "x", _timeout.Token);
        await Eventually.UntilAsync(() => File.Exists(Invalid(daemon, "control.txt")), Deadline, "the control file is sorted", _timeout.Token);
        File.Exists(data).Should().BeTrue();
        File.Exists(control).Should().BeTrue("the .aria2 control file is a temporary name and never sorted");

        File.Delete(control);

        await Eventually.UntilAsync(() => File.Exists(Invalid(daemon, "big.bin")), Deadline, "sorted once the control file is gone", _timeout.Token);
    }

    [Fact]
    public async Task Of_many_files_due_at_once_only_those_with_a_working_file_wait()
    {
        // Enough files due together in one folder that their working files are looked up in one listing
        // (docs/linux-facts.md, "Working files, looked up by listing").
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, null, _timeout.Token);
        var staging = _folder.Combine("data", "staging");
        Directory.CreateDirectory(staging);
        var names = Enumerable.Range(0, 40).Select(i => $"file{i:D2}.txt").ToList();
        foreach (var name in names)
        {
            await File.WriteAllTextAsync(Path.Combine(staging, name), "not an image " + name, _timeout.Token);
        }

        string[] companions = ["file03.txt.part", "file11.txt.aria2", "file17.txt.ytdl", "file29.txt.crdownload", "file35.txt.part-Frag2"];
        foreach (var companion in companions)
        {
            await File.WriteAllBytesAsync(Path.Combine(daemon.Inbox, companion), [1], _timeout.Token);
        }

        foreach (var name in names)
        {
            File.Move(Path.Combine(staging, name), Path.Combine(daemon.Inbox, name));
        }

        var waiting = companions.Select(companion => companion[..(companion.IndexOf(".txt", StringComparison.Ordinal) + 4)]).ToList();
        await Eventually.UntilAsync(() => names.Except(waiting).All(name => File.Exists(Invalid(daemon, name))), Deadline, "the files without a working file sorted", _timeout.Token);
        await Eventually.HoldsForAsync(() => waiting.All(name => File.Exists(Path.Combine(daemon.Inbox, name))), TimeSpan.FromSeconds(1.5), "each waits for its working file", _timeout.Token);

        foreach (var companion in companions)
        {
            File.Delete(Path.Combine(daemon.Inbox, companion));
        }

        await Eventually.UntilAsync(() => waiting.All(name => File.Exists(Invalid(daemon, name))), Deadline, "sorted once their working files are gone", _timeout.Token);
    }

    [Fact]
    public async Task A_file_still_empty_after_the_timeout_is_invalid()
    {
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg => cfg["EmptyFileTimeout"] = "00:00:01", _timeout.Token);
        await File.WriteAllBytesAsync(Path.Combine(daemon.Inbox, "empty.jpg"), [], _timeout.Token);

        await Eventually.UntilAsync(() => File.Exists(Invalid(daemon, "empty.jpg")), Deadline, "an empty file is invalid after the timeout", _timeout.Token);
        var row = (await daemon.ReviewRowsAsync(1, _timeout.Token)).Single();
        row.Reason.Should().Contain("empty");
        row.FileHash.Should().Be(EmptySha256, "recorded so the review watcher can follow the file");

        await File.WriteAllBytesAsync(Path.Combine(daemon.Inbox, "empty too.jpg"), [], _timeout.Token);
        await Eventually.UntilAsync(() => File.Exists(Invalid(daemon, "empty too.jpg")), Deadline, "a second empty file is invalid too, never a duplicate of the first", _timeout.Token);
        (await daemon.ReviewRowsAsync(2, _timeout.Token)).Should().OnlyContain(item => item.Category == "unidentified" && item.FileHash == EmptySha256);
    }

    [Fact]
    public async Task A_name_clash_in_review_never_overwrites()
    {
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, null, _timeout.Token);
        await File.WriteAllTextAsync(Path.Combine(daemon.Inbox, "same.txt"), "one", _timeout.Token);
        await Eventually.UntilAsync(() => File.Exists(Invalid(daemon, "same.txt")), Deadline, "first sorted", _timeout.Token);

        await File.WriteAllTextAsync(Path.Combine(daemon.Inbox, "same.txt"), "two", _timeout.Token);

        await Eventually.UntilAsync(() => Directory.GetFiles(Path.Combine(daemon.Review, "unidentified")).Length == 2, Deadline, "second sorted beside it", _timeout.Token);
        (await File.ReadAllTextAsync(Invalid(daemon, "same.txt"), _timeout.Token)).Should().Be("one");
        var second = Directory.GetFiles(Path.Combine(daemon.Review, "unidentified")).Single(path => path != Invalid(daemon, "same.txt"));
        Path.GetFileName(second).Should().MatchRegex(@"^invalid_same_\d{8}_\d{6}\.txt$");
        var rows = await daemon.ReviewRowsAsync(2, _timeout.Token);
        rows.Select(row => row.FilePath).Should().BeEquivalentTo([Invalid(daemon, "same.txt"), second]);
    }
}
