using System.Text.Json.Nodes;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Cli;

/// <summary>
/// FaceSorter in a PID namespace of its own (<c>unshare --pid --mount-proc</c>, as a container without
/// <c>--pid host</c>): a writer outside is invisible to the open-writer check. It says so at start and
/// in <c>doctor</c>, and what stands in: inotify's close-after-write, else <c>BlindSettleTime</c>.
/// </summary>
public sealed class OwnPidNamespaceTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(4));

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Doctor_warns_that_writers_outside_its_pid_namespace_cannot_be_seen_and_names_pid_host_as_the_fix()
    {
        var config = TestConfig.Write(_folder.Path);

        var run = await CliRun.RunUnderAsync(DaemonProcess.OwnPidNamespace, config, _timeout.Token, "doctor", "--json");

        var check = JsonNode.Parse(run.Stdout)!["checks"]!.AsArray().Single(node => node!["name"]!.GetValue<string>() == "Writer check")!;
        check["status"]!.GetValue<string>().Should().Be("warning", run.Stdout + run.Stderr);
        check["detail"]!.GetValue<string>().Should().Contain("outside its PID namespace").And.Contain("BlindSettleTime");
        check["fix"]!.GetValue<string>().Should().Contain("--pid host");
    }

    [Fact]
    public async Task A_file_a_writer_outside_holds_open_waits_beyond_settle_time_and_is_sorted_once_inotify_saw_it_closed()
    {
        var inbox = _folder.Combine("data", "temp_downloads");
        Directory.CreateDirectory(inbox);
        using var writer = await FileHolder.StartAsync(Path.Combine(inbox, "held.txt"), forWriting: true, _timeout.Token);
        var config = TestConfig.Write(_folder.Path, cfg => cfg["BlindSettleTime"] = "00:02:00"); // only the close can release it within the test

        using var daemon = await DaemonProcess.StartInOwnPidNamespaceAsync(config, _timeout.Token);
        await Eventually.UntilAsync(() => daemon.Output.Contains("for finished downloads", StringComparison.Ordinal) || daemon.HasExited, Deadline, "the drop folder watched", _timeout.Token);
        daemon.Output.Should().Contain("cannot see processes outside FaceSorter's PID namespace").And.Contain("--pid host");
        var review = _folder.Combine("data", "review", "unidentified");
        await File.WriteAllTextAsync(Path.Combine(inbox, "control.txt"), "not an image", _timeout.Token);
        await Eventually.UntilAsync(() => File.Exists(Path.Combine(review, "invalid_control.txt")), Deadline, "a file written and closed while watched is sorted after SettleTime: " + daemon.Output, _timeout.Token);
        await Eventually.HoldsForAsync(() => File.Exists(Path.Combine(inbox, "held.txt")), TimeSpan.FromSeconds(1.5), "a file the blind check cannot vouch for waits BlindSettleTime", _timeout.Token);

        await writer.CloseAsync(_timeout.Token);

        await Eventually.UntilAsync(() => File.Exists(Path.Combine(review, "invalid_held.txt")), Deadline, "inotify's close-after-write, seen across the namespace, releases it: " + daemon.Output, _timeout.Token);
        (await File.ReadAllTextAsync(Path.Combine(review, "invalid_held.txt"), _timeout.Token)).Should().Be(FileHolder.FirstPart + FileHolder.LastPart);
    }
}
