using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// The open-writer check matches files by device and inode, not by path
/// (docs/linux-facts.md, "Open files are matched by identity"): in a container the drop folder has
/// another path than on the host, and here the watched folder is a symbolic link to the folder the
/// writer uses, so the path the kernel shows for the writer's descriptor is not the daemon's path.
/// The content is not an image, so a file taken ends in review/unidentified/invalid_….
/// </summary>
public sealed class WriterByIdentityTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_file_another_process_holds_open_through_another_path_of_the_drop_folder_is_taken_only_after_it_closes()
    {
        var real = _folder.Combine("downloads");
        Directory.CreateDirectory(real);
        var alias = _folder.Combine("drop-folder");
        Directory.CreateSymbolicLink(alias, real);

        // Opened and written before the daemon starts, so inotify never saw the write: only the
        // open-writer check can know it is still open (the quiet period is SettleTime, 0.3 s).
        using var writer = await FileHolder.StartAsync(Path.Combine(real, "held.txt"), forWriting: true, _timeout.Token);
        await File.WriteAllTextAsync(Path.Combine(real, "control.txt"), "not an image", _timeout.Token);
        new FileInfo($"/proc/{writer.Pid}/fd/3").LinkTarget.Should().Be(Path.Combine(real, "held.txt"), "the kernel names the writer's file by a path outside the watched one");

        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg => cfg["Directories"]!["Inbox"] = alias, _timeout.Token);
        daemon.Inbox.Should().Be(alias);
        var held = Path.Combine(daemon.Review, "unidentified", "invalid_held.txt");
        await Eventually.UntilAsync(() => File.Exists(Path.Combine(daemon.Review, "unidentified", "invalid_control.txt")), Deadline, "the control file, as old, is sorted", _timeout.Token);
        await Eventually.HoldsForAsync(() => File.Exists(Path.Combine(alias, "held.txt")) && !File.Exists(held), TimeSpan.FromSeconds(1.5), "a file open for writing is never taken (five settle periods)", _timeout.Token);

        await writer.CloseAsync(_timeout.Token);

        await Eventually.UntilAsync(() => File.Exists(held), Deadline, "sorted once its writer closed it", _timeout.Token);
        (await File.ReadAllTextAsync(held, _timeout.Token)).Should().Be(FileHolder.FirstPart + FileHolder.LastPart);
    }
}
