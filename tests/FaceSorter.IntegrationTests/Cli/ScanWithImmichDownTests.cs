using System.Text.Json.Nodes;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Cli;

/// <summary>
/// Issue 14, new-user trial: <c>scan</c> of the published app with Immich down (http://127.0.0.1:9) and
/// broken pictures in the drop folder. Bad input is named once in the log with libvips' reason; a file
/// libvips cannot read at all (a video) and a one-colour picture are no bad input. Files that stay only
/// because Immich is down wait for it; they have not failed.
/// </summary>
public sealed class ScanWithImmichDownTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));
    private readonly TempFolder _folder = new();

    private CancellationToken Token => _timeout.Token;

    private string Inbox => Path.Combine(_folder.Path, "data", "temp_downloads");

    [Fact]
    public async Task Scan_names_each_truncated_or_corrupt_picture_once_with_libvips_reason_and_what_happens_next()
    {
        var real = await File.ReadAllBytesAsync(RealPhotos.All()[0], Token);
        TestImages.Write(Inbox, "truncated.jpg", BadPictures.TruncatedJpeg());
        TestImages.Write(Inbox, "headeronly.jpg", real[..600]);
        TestImages.Write(Inbox, "corrupt.jpg", TestImages.Jpeg(14));
        TestImages.Write(Inbox, "cut.jpg", real[..(int)(real.Length * 0.97)]);
        TestImages.Write(Inbox, "good.jpg", real);

        var scan = await CliRun.RunAsync(Config(), Token, "scan");

        scan.ExitCode.Should().Be(0, scan.Stdout + scan.Stderr);
        var lines = scan.Stderr.Split('\n');
        foreach (var name in new[] { "truncated.jpg", "headeronly.jpg", "corrupt.jpg", "cut.jpg" })
        {
            var named = lines.Where(line => line.Contains(name, StringComparison.Ordinal) && line.Contains("libvips", StringComparison.Ordinal)).ToList();
            named.Should().ContainSingle(scan.Stderr).Which.Should()
                .Contain(" WRN ").And.Contain("cannot be decoded: it is truncated or corrupt (libvips reads it as JPEG", "the reason is the file's own, never another decode's message from libvips' shared error buffer")
                .And.Contain("sorted on without a perceptual fingerprint").And.Contain("Immich decides");
        }

        lines.Should().NotContain(line => line.Contains("good.jpg", StringComparison.Ordinal) && line.Contains("libvips", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_video_and_a_one_colour_picture_get_an_exact_reason_at_debug_and_no_warning()
    {
        TestImages.Write(Inbox, "clip.mp4", TestImages.WithHeader([0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8], seed: 14));
        TestImages.Write(Inbox, "plain.jpg", TestImages.Photo(14));
        var config = Config();
        var root = JsonNode.Parse(await File.ReadAllTextAsync(config, Token))!;
        root["Serilog"]!["MinimumLevel"]!["Default"] = "Debug";
        await File.WriteAllTextAsync(config, root.ToJsonString(), Token);

        var scan = await CliRun.RunAsync(config, Token, "scan");

        scan.ExitCode.Should().Be(0, scan.Stdout + scan.Stderr);
        var lines = scan.Stderr.Split('\n');
        lines.Should().ContainSingle(line => line.Contains("clip.mp4", StringComparison.Ordinal) && line.Contains("libvips does not know its format", StringComparison.Ordinal))
            .Which.Should().Contain(" DBG ");
        lines.Should().ContainSingle(line => line.Contains("plain.jpg", StringComparison.Ordinal) && line.Contains("is one colour", StringComparison.Ordinal))
            .Which.Should().Contain(" DBG ");
        lines.Should().NotContain(line => line.Contains(" WRN ", StringComparison.Ordinal) && line.Contains("libvips", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scan_counts_files_that_stay_only_because_Immich_is_down_as_waiting_not_failed()
    {
        TestImages.Write(Inbox, "one.jpg", TestImages.Photo(1));
        TestImages.Write(Inbox, "two.jpg", TestImages.Photo(2));
        var config = Config();

        var text = await CliRun.RunAsync(config, Token, "scan");
        var json = await CliRun.RunAsync(config, Token, "scan", "--json");

        text.ExitCode.Should().Be(0, text.Stdout + text.Stderr);
        text.Stdout.Should().Contain("0 failed, 2 wait for Immich (they stay in the drop folder)");
        var lines = text.Stderr.Split('\n');
        lines.Should().NotContain(line => line.Contains(" ERR ", StringComparison.Ordinal), "Immich being down is no failure of the files");
        lines.Where(line => line.Contains("waits for Immich", StringComparison.Ordinal)).Should().HaveCount(2).And.OnlyContain(line => line.Contains(" WRN ", StringComparison.Ordinal));
        json.ExitCode.Should().Be(0, json.Stdout + json.Stderr);
        var summary = JsonNode.Parse(json.Stdout)!;
        summary["failed"]!.GetValue<int>().Should().Be(0);
        summary["waiting_for_immich"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public async Task Scan_with_json_logs_its_moves_on_stderr_and_prints_only_json_on_stdout()
    {
        TestImages.Write(Inbox, "notes.jpg", "just some words"u8.ToArray()); // not an image: sorted without Immich

        var scan = await CliRun.RunAsync(Config(), Token, "scan", "--json");

        scan.ExitCode.Should().Be(0, scan.Stdout + scan.Stderr);
        JsonNode.Parse(scan.Stdout)!["sorted"]!.GetValue<int>().Should().Be(1, "stdout is the JSON alone");
        scan.Stderr.Split('\n').Should().Contain(line => line.Contains(" INF ", StringComparison.Ordinal) && line.Contains("notes.jpg", StringComparison.Ordinal), scan.Stderr);
    }

    private string Config() => TestConfig.Write(_folder.Path, cfg => cfg["Immich"]!["Url"] = "http://127.0.0.1:9"); // Immich down: the files wait

    public void Dispose()
    {
        _folder.Dispose();
        _timeout.Dispose();
    }
}
