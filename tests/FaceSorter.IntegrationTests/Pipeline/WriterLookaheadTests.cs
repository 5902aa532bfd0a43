using System.Diagnostics;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Settling;
using FaceSorter.Watching;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// The writer check's look-ahead (docs/linux-facts.md, "The writer check, looked at ahead") against real
/// inotify, a real <c>/proc</c> scan and real processes that open the file: it vouches for a file nobody
/// holds, and never for one held before the look-ahead or opened after it, through any path.
/// </summary>
public sealed class WriterLookaheadTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));
    private readonly WriteActivity _activity = new(NullLogger<WriteActivity>.Instance);
    private readonly WriterLookahead _lookahead;

    public WriterLookaheadTests()
    {
        _lookahead = new WriterLookahead(new OpenWriterProbe(), _activity, TimeProvider.System);
    }

    public void Dispose()
    {
        _activity.Dispose();
        _timeout.Dispose();
        _folder.Dispose();
    }

    /// <summary>A shell that opens <paramref name="path"/> (append, for writing, writing nothing) and holds it until its stdin closes.</summary>
    private static Process StartHolder(string path)
    {
        var start = new ProcessStartInfo("sh", ["-c", """exec 3>>"$1"; echo open; read wait""", "sh", path])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        return Process.Start(start)!;
    }

    private static async Task<Process> HoldAsync(string path, CancellationToken cancellationToken)
    {
        var holder = StartHolder(path);
        (await holder.StandardOutput.ReadLineAsync(cancellationToken)).Should().Be("open");
        return holder;
    }

    private TrackedFile Tracked(string path)
    {
        var info = new FileInfo(path);
        var before = TimeProvider.System.GetUtcNow() - TimeSpan.FromSeconds(5);
        return new TrackedFile(path, info.Length, info.LastWriteTimeUtc, before, before);
    }

    private string Drop(string name)
    {
        var path = _folder.Combine("inbox", name);
        File.WriteAllBytes(path, [1, 2, 3]);
        return path;
    }

    [Fact]
    public async Task A_file_nobody_holds_is_vouched_for_and_one_held_before_the_look_ahead_is_not_even_once_its_holder_writes_nothing()
    {
        Directory.CreateDirectory(_folder.Combine("inbox"));
        _activity.Start(_folder.Combine("inbox"));
        var idle = Tracked(Drop("idle.jpg"));
        var held = Tracked(Drop("held.jpg"));
        using var holder = await HoldAsync(held.Path, _timeout.Token);
        try
        {
            _lookahead.LookAhead([idle, held]);
            _lookahead.CatchUp();

            _lookahead.Vouches(idle).Should().BeTrue("nobody held it and nobody opened it since");
            _lookahead.Vouches(held).Should().BeFalse("the look-ahead scan saw a descriptor of it");
        }
        finally
        {
            holder.Kill();
        }
    }

    [Fact]
    public async Task A_file_opened_after_the_look_ahead_through_a_hard_link_in_another_folder_is_not_vouched_for()
    {
        Directory.CreateDirectory(_folder.Combine("inbox"));
        Directory.CreateDirectory(_folder.Combine("elsewhere"));
        _activity.Start(_folder.Combine("inbox"));
        var file = Tracked(Drop("linked.jpg"));
        var link = _folder.Combine("elsewhere", "link.jpg");
        _lookahead.LookAhead([file]);
        using (var ln = Process.Start("ln", [file.Path, link])!)
        {
            await ln.WaitForExitAsync(_timeout.Token);
        }

        // Opened for writing by another process through a path no watched folder holds, and nothing written.
        using var holder = await HoldAsync(link, _timeout.Token);
        try
        {
            _lookahead.CatchUp();
            _lookahead.Vouches(file).Should().BeFalse("its inode was opened after the look-ahead began");
        }
        finally
        {
            holder.Kill();
        }
    }

    [Fact]
    public async Task A_file_replaced_under_its_name_or_changed_after_the_look_ahead_is_not_vouched_for()
    {
        Directory.CreateDirectory(_folder.Combine("inbox"));
        _activity.Start(_folder.Combine("inbox"));
        var replaced = Tracked(Drop("replaced.jpg"));
        var changed = Tracked(Drop("changed.jpg"));
        _lookahead.LookAhead([replaced, changed]);

        var other = _folder.Combine("other.jpg");
        await File.WriteAllBytesAsync(other, [4, 5, 6], _timeout.Token);
        File.Move(other, replaced.Path, overwrite: true);
        _lookahead.CatchUp();

        _lookahead.Vouches(replaced).Should().BeFalse("the name now names another inode, which was never watched");
        _lookahead.Vouches(changed with { LastChange = TimeProvider.System.GetUtcNow() }).Should().BeFalse("it changed after the look-ahead");
        _lookahead.Vouches(changed).Should().BeTrue();
        _lookahead.Release(changed.Path);
        _lookahead.Vouches(changed).Should().BeFalse("a released file has no look-ahead");
    }
}
