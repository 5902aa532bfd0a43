using System.Diagnostics;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Settling;
using FaceSorter.Watching;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// WriteActivity against real inotify and a real writer in another process: a shell that opens the
/// file for writing, writes, and closes it only when told to (through its stdin).
/// </summary>
public sealed class WriteActivityTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));
    private readonly WriteActivity _activity = new(NullLogger<WriteActivity>.Instance);

    public void Dispose()
    {
        _activity.Dispose();
        _timeout.Dispose();
        _folder.Dispose();
    }

    /// <summary>A shell that opens <paramref name="path"/> for writing, writes a byte, then on each line of stdin writes again, and closes it on "close".</summary>
    private static Process StartSlowWriter(string path)
    {
        var start = new ProcessStartInfo("sh", ["-c", """exec 3>"$1"; printf a >&3; while read line; do [ "$line" = close ] && break; printf b >&3; done; exec 3>&-; read wait""", "sh", path])
        {
            RedirectStandardInput = true,
        };
        return Process.Start(start)!;
    }

    [Fact]
    public async Task A_file_another_process_holds_open_for_writing_is_being_written_until_it_closes_it()
    {
        _activity.Start(_folder.Path);
        var path = _folder.Combine("stalled.jpg");
        using var writer = StartSlowWriter(path);
        try
        {
            await Eventually.UntilAsync(() => _activity.StateOf(path) == WriteState.Writing, Deadline, "the open write seen", _timeout.Token);

            await writer.StandardInput.WriteLineAsync("more".AsMemory(), _timeout.Token);
            await Eventually.UntilAsync(() => new FileInfo(path).Length == 2, Deadline, "the second write", _timeout.Token);
            _activity.StateOf(path).Should().Be(WriteState.Writing, "a stall between writes is not a close");

            await writer.StandardInput.WriteLineAsync("close".AsMemory(), _timeout.Token);
            await Eventually.UntilAsync(() => _activity.StateOf(path) == WriteState.Closed, Deadline, "the close-after-write seen", _timeout.Token);
        }
        finally
        {
            writer.Kill();
        }
    }

    [Fact]
    public async Task Writes_in_a_sub_folder_made_after_the_start_are_seen_and_a_killed_writer_counts_as_closed()
    {
        _activity.Start(_folder.Path);
        var sub = _folder.Combine("site");
        Directory.CreateDirectory(sub);
        await Eventually.UntilAsync(() => Directory.Exists(sub), Deadline, "the folder", _timeout.Token);
        var path = Path.Combine(sub, "late.jpg");
        // The folder's watch is added when its IN_CREATE is read: write until the write is seen.
        using var writer = StartSlowWriter(path);
        try
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    await writer.StandardInput.WriteLineAsync("more".AsMemory(), _timeout.Token);
                    await writer.StandardInput.FlushAsync(_timeout.Token);
                    return _activity.StateOf(path) == WriteState.Writing;
                },
                Deadline,
                "the write in the new sub-folder seen",
                _timeout.Token);
        }
        finally
        {
            writer.Kill();
            await writer.WaitForExitAsync(_timeout.Token);
        }

        await Eventually.UntilAsync(() => _activity.StateOf(path) == WriteState.Closed, Deadline, "the kernel closes a dead writer's file", _timeout.Token);
    }

    [Fact]
    public async Task A_file_renamed_into_the_folder_is_whole_and_a_removed_one_is_forgotten()
    {
        _activity.Start(_folder.Path);
        var outside = Path.Combine(Path.GetTempPath(), $"facesorter-outside-{Guid.NewGuid():N}.jpg");
        await File.WriteAllTextAsync(outside, "whole", _timeout.Token);
        var path = _folder.Combine("moved-in.jpg");

        File.Move(outside, path);
        await Eventually.UntilAsync(() => _activity.StateOf(path) == WriteState.Closed, Deadline, "the rename seen", _timeout.Token);

        File.Delete(path);
        await Eventually.UntilAsync(() => _activity.StateOf(path) == WriteState.Unknown, Deadline, "the removal seen", _timeout.Token);
    }

    [Fact]
    public async Task Names_changed_counts_a_companion_name_or_a_folder_appearing_once_every_event_is_read()
    {
        _activity.Start(_folder.Path);
        var before = _activity.NamesChanged;

        await File.WriteAllTextAsync(_folder.Combine("photo.jpg"), "x", _timeout.Token);
        File.Move(_folder.Combine("photo.jpg"), _folder.Combine("renamed.jpg"));
        await File.WriteAllTextAsync(_folder.Combine("clip.mp4.part-Frag1"), "x", _timeout.Token);
        _activity.CatchUp();
        _activity.NamesChanged.Should().Be(before, "no name a companion listing answers for appeared");

        await File.WriteAllTextAsync(_folder.Combine("renamed.jpg.part"), "x", _timeout.Token);
        _activity.CatchUp();
        _activity.NamesChanged.Should().BeGreaterThan(before, "a .part companion was created");

        before = _activity.NamesChanged;
        await File.WriteAllTextAsync(_folder.Combine("staged"), "x", _timeout.Token);
        File.Move(_folder.Combine("staged"), _folder.Combine("renamed.jpg.aria2"));
        _activity.CatchUp();
        _activity.NamesChanged.Should().BeGreaterThan(before, "a companion was renamed in");

        before = _activity.NamesChanged;
        using (var ln = Process.Start("ln", [_folder.Combine("renamed.jpg"), _folder.Combine("other.jpg.ytdl")])!)
        {
            await ln.WaitForExitAsync(_timeout.Token);
            ln.ExitCode.Should().Be(0);
        }

        _activity.CatchUp();
        _activity.NamesChanged.Should().BeGreaterThan(before, "a companion was linked in");

        before = _activity.NamesChanged;
        Directory.CreateDirectory(_folder.Combine("blog"));
        _activity.CatchUp();
        _activity.NamesChanged.Should().BeGreaterThan(before, "a folder appeared: its files were never listed");
    }
}
