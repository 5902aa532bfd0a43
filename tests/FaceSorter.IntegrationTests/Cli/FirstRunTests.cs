using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Cli;

/// <summary>
/// What a new user sees, from the published app: logging without a Serilog section, the start-up
/// summary and the shutdown line, a second instance refused in one line, a doctor that changes
/// nothing and checks the web port, and the CLI's plain messages.
/// </summary>
public sealed class FirstRunTests : EmulatedImmichTest
{
    public FirstRunTests()
        : base(TimeSpan.FromMinutes(3), immichVersion: "2.7.5")
    {
    }

    private string Inbox => Path.Combine(Folder.Path, "data", "temp_downloads");

    [Fact]
    public async Task A_config_without_a_serilog_section_logs_the_sorted_file_and_one_shutdown_line_to_the_console()
    {
        var config = Config(cfg => cfg["Immich"]!["ApiKey"] = Immich.ApiKey);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config, Token))!.AsObject();
        json.Remove("Serilog");
        await File.WriteAllTextAsync(config, json.ToJsonString(), Token);
        var content = TestImages.Jpeg(911);
        Immich.SetFaces(Convert.ToHexStringLower(SHA256.HashData(content)), EmulatedFace.WithoutPerson());
        using var daemon = await DaemonProcess.StartAsync(config, Token);
        await Eventually.UntilAsync(() => daemon.Output.Contains("FaceSorter is running", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the start-up summary", Token);

        TestImages.Write(Inbox, "someone.jpg", content);
        await Eventually.UntilAsync(() => daemon.Output.Contains("someone.jpg -> ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the sorted line on the console", Token);
        (await daemon.TerminateAsync(Token)).Should().Be(0);

        daemon.Output.Should().Contain("INF FaceSorter.Pipeline.SortingPipeline: ", "the shipped template: {SourceContext}").And.NotContain(Immich.ApiKey, "the key is never printed");
        daemon.Output.Split('\n').Where(line => line.Contains("Stopped after ", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain("1 sorted (0 to faces, 1 to review), 0 failed, 0 waiting in the drop folder");
    }

    [Fact]
    public async Task The_start_up_summary_says_immich_answered_and_names_the_missing_api_key_and_the_review_page()
    {
        var config = Config(cfg =>
        {
            cfg["Immich"]!["ApiKey"] = "";
            cfg["Web"]!["Enabled"] = true;
            cfg["Web"]!["Urls"] = "http://127.0.0.1:0";
        });
        using var daemon = await DaemonProcess.StartAsync(config, Token);

        await Eventually.UntilAsync(() => daemon.Output.Contains("  Next:", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the start-up summary", Token);

        var output = daemon.Output;
        output.Should().Contain("FaceSorter is running in Upload mode\n  Immich:", "each item on its own line, not a line break escaped like one in a file name");
        output.Should().Contain($"Immich:      {Immich.Url} answered: Immich v2.7.5").And.NotContain("vv2");
        output.Should().Contain("API key:     not set (FaceSorter:Immich:ApiKey)");
        output.Should().MatchRegex(@"Review page: http://127\.0\.0\.1:\d+/ \(no token");
        output.Should().Contain($"Drop folder: {Inbox}");
        output.Should().Contain("Next:        set FaceSorter:Immich:ApiKey (Immich → Account settings → API keys) — files wait in the drop folder until then");
    }

    [Fact]
    public async Task A_review_page_on_every_address_is_reported_under_the_machines_name()
    {
        // http://0.0.0.0:PORT/ opens nothing from another machine (helper-67's trial).
        var config = Config(cfg =>
        {
            cfg["Web"]!["Enabled"] = true;
            cfg["Web"]!["Urls"] = "http://0.0.0.0:0";
            cfg["Web"]!["Token"] = "a-long-enough-token-for-the-test";
        });
        using var daemon = await DaemonProcess.StartAsync(config, Token);

        await Eventually.UntilAsync(() => daemon.Output.Contains("  Next:", StringComparison.Ordinal) || daemon.HasExited, TimeSpan.FromSeconds(30), "the start-up summary", Token);

        daemon.Output.Should().MatchRegex($@"Review page: http://{System.Text.RegularExpressions.Regex.Escape(Environment.MachineName)}:\d+/\?token=… \(protected by FaceSorter:Web:Token\)");
    }

    [Fact]
    public async Task A_second_run_on_the_same_config_exits_with_code_3_in_one_line_before_watching_and_the_first_keeps_sorting()
    {
        var config = TestConfig.Write(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
        }, logFile: true);
        using var first = await DaemonProcess.StartAsync(config, Token);
        await Eventually.UntilAsync(() => first.Output.Contains("FaceSorter is running", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the first daemon started", Token);

        var clock = Stopwatch.StartNew();
        var second = await CliRun.RunAsync(config, Token, "run");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
        var scan = await CliRun.RunAsync(config, Token, "scan");

        foreach (var refused in new[] { second, scan })
        {
            refused.ExitCode.Should().Be(3, refused.Stdout + refused.Stderr);
            var lines = (refused.Stdout + refused.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            lines.Should().ContainSingle().Which.Should().Contain($"Another FaceSorter (pid {first.ProcessId}) is already running on the drop folder {Inbox}");
        }

        var content = TestImages.Jpeg(912);
        Immich.SetFaces(Convert.ToHexStringLower(SHA256.HashData(content)), EmulatedFace.WithoutPerson());
        TestImages.Write(Inbox, "after.jpg", content);
        await Eventually.UntilAsync(
            () => File.Exists(Path.Combine(Folder.Path, "data", "review", "unidentified", "unknown_after.jpg")),
            TimeSpan.FromSeconds(30),
            "the first daemon keeps sorting",
            Token);
        first.HasExited.Should().BeFalse();
        var log = await ReadSharedAsync(Directory.GetFiles(Path.Combine(Folder.Path, "logs")).Should().ContainSingle().Subject);
        log.Should().Contain("FaceSorter is running", "the first daemon's log file")
            .And.NotContain("already running", "a refused instance says so on its own console, not in the log of the daemon that runs");
    }

    /// <summary>A file another process has open for writing, read whole.</summary>
    private async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(Token);
    }

    [Fact]
    public async Task Health_with_another_token_than_the_daemons_says_the_daemon_runs_and_which_token_to_use()
    {
        var (config, url) = ConfigWithPage();
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config, Token))!;
        json["FaceSorter"]!["Web"]!["Token"] = "the-daemons-token";
        await File.WriteAllTextAsync(config, json.ToJsonString(), Token);
        using var daemon = await DaemonProcess.StartAsync(config, Token);
        await Eventually.UntilAsync(() => daemon.Output.Contains("FaceSorter is running", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the start-up summary", Token);

        var wrong = await CliRun.RunAsync([], Folder.Path, new Dictionary<string, string?> { ["FACESORTER__Web__Token"] = "a-typo" }, Token, "health", "--config", config);

        wrong.ExitCode.Should().Be(1, wrong.Stdout + wrong.Stderr);
        wrong.Stdout.Should().StartWith($"UNHEALTHY: the daemon at {url} runs but refused the status request: health's token is not the daemon's")
            .And.Contain("FaceSorter:Web:Token").And.NotContain("\"title\"", "no raw problem JSON");
    }

    [Fact]
    public async Task Health_says_healthy_with_immichs_state_while_the_daemon_runs_and_unhealthy_once_it_stopped()
    {
        var (config, url) = ConfigWithPage();
        using var daemon = await DaemonProcess.StartAsync(config, Token);
        await Eventually.UntilAsync(() => daemon.Output.Contains("FaceSorter is running", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the start-up summary", Token);

        var running = await CliRun.RunAsync(config, Token, "health");
        (await daemon.TerminateAsync(Token)).Should().Be(0);
        var stopped = await CliRun.RunAsync(config, Token, "health");

        running.ExitCode.Should().Be(0, running.Stdout + running.Stderr);
        running.Stdout.Should().Contain($"healthy: the daemon answers at {url}").And.Contain("immich: up");
        stopped.ExitCode.Should().Be(1, stopped.Stdout + stopped.Stderr);
        stopped.Stdout.Should().StartWith("UNHEALTHY: no FaceSorter daemon answers at ");
    }

    [Fact]
    public async Task During_an_immich_outage_the_file_left_in_the_drop_folder_is_counted_by_status_health_and_the_stop_line()
    {
        var (config, url) = ConfigWithPage();
        var sorted = TestImages.Jpeg(913);
        Immich.SetFaces(Convert.ToHexStringLower(SHA256.HashData(sorted)), EmulatedFace.Named("Alice"));
        using var daemon = await DaemonProcess.StartAsync(config, Token);
        await Eventually.UntilAsync(() => daemon.Output.Contains("FaceSorter is running", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the start-up summary", Token);
        TestImages.Write(Inbox, "alice.jpg", sorted);
        await Eventually.UntilAsync(() => File.Exists(Path.Combine(Folder.Path, "data", "faces", "alice", "alice.jpg")), TimeSpan.FromSeconds(30), "one file sorted before the outage", Token);

        Immich.Fail("POST /api/assets", times: int.MaxValue, status: 503);
        var waiting = TestImages.Write(Inbox, "during the outage.jpg", TestImages.Jpeg(914));
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        System.Text.Json.JsonElement status = default;
        await Eventually.UntilAsync(
            async () => (status = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/smart-download/status", UriKind.Relative), Token)).RootElement.Clone())
                .GetProperty("immich").GetString() == "down",
            TimeSpan.FromSeconds(30),
            "the upload's 503 is an outage",
            Token);
        var health = await CliRun.RunAsync(config, Token, "health");
        (await daemon.TerminateAsync(Token)).Should().Be(0);

        File.Exists(waiting).Should().BeTrue("an outage never routes a file");
        status.GetProperty("queue_depth").GetInt32().Should().Be(1, "the file is in the pipeline, waiting out the outage");
        status.GetProperty("waiting").GetInt32().Should().Be(1);
        health.Stdout.Should().Contain("1 in the pipeline, 1 waiting in the drop folder").And.Contain("immich: down");
        daemon.Output.Split('\n').Where(line => line.Contains("Stopped after ", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain("1 sorted (1 to faces, 0 to review), 0 failed, 1 waiting in the drop folder");
    }

    [Fact]
    public async Task A_file_deleted_from_the_drop_folder_while_it_waited_out_an_immich_outage_is_not_counted_as_waiting()
    {
        var (config, url) = ConfigWithPage();
        Immich.Fail("POST /api/assets", times: int.MaxValue, status: 503);
        using var daemon = await DaemonProcess.StartAsync(config, Token);
        await Eventually.UntilAsync(() => daemon.Output.Contains("FaceSorter is running", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the start-up summary", Token);
        var kept = TestImages.Write(Inbox, "kept.jpg", TestImages.Jpeg(915));
        var deleted = TestImages.Write(Inbox, "deleted.jpg", TestImages.Jpeg(916));
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        async Task<System.Text.Json.JsonElement> StatusAsync() =>
            System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/smart-download/status", UriKind.Relative), Token)).RootElement.Clone();
        await Eventually.UntilAsync(async () => await StatusAsync() is var status && status.GetProperty("immich").GetString() == "down" && status.GetProperty("queue_depth").GetInt32() == 2,
            TimeSpan.FromSeconds(30), "both files in the pipeline, waiting out the outage", Token);

        File.Delete(deleted);
        var waiting = (await StatusAsync()).GetProperty("waiting").GetInt32();
        var health = await CliRun.RunAsync(config, Token, "health");
        (await daemon.TerminateAsync(Token)).Should().Be(0);

        File.Exists(kept).Should().BeTrue("an outage never routes a file");
        waiting.Should().Be(1, "only kept.jpg is still in the drop folder");
        health.Stdout.Should().Contain("1 waiting in the drop folder");
        daemon.Output.Split('\n').Where(line => line.Contains("Stopped after ", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain("0 sorted (0 to faces, 0 to review), 0 failed, 1 waiting in the drop folder");
    }

    [Fact]
    public async Task A_web_port_held_by_another_program_stops_run_with_one_line_and_doctor_fails_on_it()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)other.LocalEndpoint).Port}";
        var config = Config(cfg =>
        {
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
            cfg["Web"]!["Enabled"] = true;
            cfg["Web"]!["Urls"] = url;
        });

        var run = await CliRun.RunAsync(config, Token, "run");
        var doctor = await CliRun.RunAsync(config, Token, "doctor");

        run.ExitCode.Should().Be(3);
        (run.Stdout + run.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle()
            .Which.Should().Contain($"{url} is in use by another program").And.Contain("FaceSorter:Web:Urls");
        doctor.ExitCode.Should().Be(1, doctor.Stdout);
        doctor.Stdout.Should().Contain($"FAIL  Web address").And.Contain($"{url} is in use by another program").And.Contain("fix: set FaceSorter:Web:Urls");
        Directory.Exists(Path.Combine(Path.GetDirectoryName(config)!, "data")).Should().BeFalse("the refused run creates no folder (README \"Exit codes\")");
    }

    [Fact]
    public async Task Doctor_prints_the_version_once_and_leaves_a_fresh_folder_untouched()
    {
        var config = Config(cfg =>
        {
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
            cfg["Web"]!["Enabled"] = true;
            cfg["Web"]!["Urls"] = "http://127.0.0.1:0";
        });
        var before = Listing();

        var run = await CliRun.RunAsync(config, Token, "doctor");

        run.ExitCode.Should().Be(0, run.Stdout + run.Stderr);
        run.Stdout.Should().Contain($"Immich v2.7.5 at {Immich.Url}").And.NotContain("vv");
        run.Stdout.Should().Contain("does not exist yet; it is created on first run");
        Listing().Should().Equal(before, "doctor creates no folder, no database and no lock file");
        File.Exists(Path.Combine(Folder.Path, "data", "facesorter.db")).Should().BeFalse();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("x")]
    public async Task Stats_refuses_a_bad_days_value_with_a_plain_message(string days)
    {
        var config = Config(cfg => cfg["Immich"]!["ApiKey"] = Immich.ApiKey);

        var run = await CliRun.RunAsync(config, Token, "stats", "--days", days);

        run.ExitCode.Should().NotBe(0);
        run.Stderr.Should().Contain("--days must be a whole number of days from 1 to 3650");
        (run.Stdout + run.Stderr).Should().NotContain("   at ").And.NotContain("Exception").And.NotContain("Last ");
    }

    private string[] Listing() =>
        Directory.EnumerateFileSystemEntries(Folder.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    private string Config(Action<JsonObject> configure) =>
        TestConfig.Write(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            configure(cfg);
        });

    /// <summary>A config with Immich's key and the page on a free loopback port, and the page's address.</summary>
    private (string Config, string Url) ConfigWithPage()
    {
        var free = new TcpListener(IPAddress.Loopback, 0);
        free.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)free.LocalEndpoint).Port}";
        free.Stop();
        var config = Config(cfg =>
        {
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
            cfg["Web"]!["Enabled"] = true;
            cfg["Web"]!["Urls"] = url;
        });
        return (config, url);
    }
}
