using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Cli;

/// <summary>
/// Issue 13, found in a new-user trial, from the published app: a refused instance creates nothing and
/// answers <c>--json</c> in JSON, start-up errors print in one format, a bare call and a bad review id
/// get plain answers, and a decision made with <c>review approve</c>/<c>reject</c> is logged as the web
/// page's is.
/// </summary>
public sealed class RefusalsAndMessagesTests : EmulatedImmichTest
{
    public RefusalsAndMessagesTests()
        : base(TimeSpan.FromMinutes(3))
    {
    }

    [Fact]
    public async Task A_run_refused_for_the_database_of_a_running_daemon_creates_not_even_its_own_drop_folder()
    {
        var first = Config(_ => { });
        using var daemon = await DaemonProcess.StartAsync(first, Token);
        await Eventually.UntilAsync(() => daemon.Output.Contains("FaceSorter is running", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the first daemon started", Token);
        var data = Path.Combine(Folder.Path, "data");
        var otherInbox = Path.Combine(data, "other_inbox");
        var secondFolder = Directory.CreateDirectory(Path.Combine(Folder.Path, "second")).FullName;
        var second = TestConfig.Write(secondFolder, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Directories"]!["Inbox"] = otherInbox;
            cfg["Directories"]!["Faces"] = Path.Combine(data, "faces");
            cfg["Directories"]!["Review"] = Path.Combine(data, "review");
            cfg["Database"]!["ConnectionString"] = $"Data Source={Path.Combine(data, "facesorter.db")}";
        });

        var refused = await CliRun.RunAsync(second, Token, "run");

        refused.ExitCode.Should().Be(3, refused.Stdout + refused.Stderr);
        (refused.Stdout + refused.Stderr).Should().Contain($"Another FaceSorter (pid {daemon.ProcessId}) is already running on the database {Path.Combine(data, "facesorter.db")}");
        Directory.Exists(otherInbox).Should().BeFalse("the locks are taken before anything is created");
        daemon.HasExited.Should().BeFalse();
    }

    [Fact]
    public async Task Scan_json_refused_by_a_running_daemon_prints_the_reason_as_a_json_object_and_one_line_on_stderr()
    {
        var config = Config(_ => { });
        using var daemon = await DaemonProcess.StartAsync(config, Token);
        await Eventually.UntilAsync(() => daemon.Output.Contains("FaceSorter is running", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the daemon started", Token);

        var scan = await CliRun.RunAsync(config, Token, "scan", "--json");

        scan.ExitCode.Should().Be(3, scan.Stdout + scan.Stderr);
        var error = JsonNode.Parse(scan.Stdout)!.AsObject();
        error["error"]!.GetValue<string>().Should().Be("refused");
        error["exit_code"]!.GetValue<int>().Should().Be(3);
        error["message"]!.GetValue<string>().Should().Contain($"Another FaceSorter (pid {daemon.ProcessId}) is already running on the drop folder");
        scan.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle()
            .Which.Should().MatchRegex(@"^\d\d:\d\d:\d\d FTL FaceSorter: Another FaceSorter ", "the same format as the daemon's lines");
    }

    [Fact]
    public async Task A_config_error_found_before_or_after_the_host_is_built_prints_in_the_same_format()
    {
        var beforeHost = Config(cfg => cfg["MinConfidence"] = "high"); // read before anything is bound
        var afterHost = TestConfig.Write(Directory.CreateDirectory(Path.Combine(Folder.Path, "after")).FullName, cfg => cfg["MinConfidence"] = 1.5); // an options validator's

        foreach (var config in new[] { beforeHost, afterHost })
        {
            var run = await CliRun.RunAsync(config, Token, "run");

            run.ExitCode.Should().Be(2, run.Stdout + run.Stderr);
            (run.Stdout + run.Stderr).Should().MatchRegex(@"(?m)^\d\d:\d\d:\d\d FTL FaceSorter: Invalid configuration, not starting:$")
                .And.Contain("FaceSorter:MinConfidence = ").And.NotContain("[", "not the bootstrap logger's own [HH:mm:ss FTL] format");
        }

        var doctor = await CliRun.RunAsync(afterHost, Token, "doctor");
        doctor.ExitCode.Should().Be(2, doctor.Stdout + doctor.Stderr);
        (doctor.Stdout + doctor.Stderr).Should().MatchRegex(@"(?m)^\d\d:\d\d:\d\d FTL FaceSorter: Invalid configuration:$", "doctor starts nothing, so it does not say 'not starting'")
            .And.Contain("FaceSorter:MinConfidence = ");
    }

    [Theory]
    [InlineData("stats", "--days", "0", "--json")]
    [InlineData("review", "list", "--category", "nope", "--json")]
    [InlineData("scan", "--bogus", "--json")]
    public async Task A_bad_command_line_with_json_prints_the_reason_as_a_json_object(params string[] arguments)
    {
        var config = Config(_ => { });

        var run = await CliRun.RunAsync(config, Token, arguments);

        run.ExitCode.Should().Be(2, run.Stdout + run.Stderr);
        var error = JsonNode.Parse(run.Stdout)!.AsObject();
        error["error"]!.GetValue<string>().Should().Be("invalid_arguments");
        error["exit_code"]!.GetValue<int>().Should().Be(2);
        error["message"]!.GetValue<string>().Should().NotBeEmpty().And.Match(message => run.Stderr.Contains(message.Split('\n')[0], StringComparison.Ordinal), "the same reason as on stderr");
    }

    [Fact]
    public async Task A_bare_facesorter_shows_the_help_and_exits_with_code_2_as_any_command_line_that_does_nothing()
    {
        var run = await CliRun.RunAsync([], Folder.Path, new Dictionary<string, string?>(), Token);

        run.ExitCode.Should().Be(2, run.Stdout + run.Stderr);
        run.Stdout.Should().Contain("Usage:").And.Contain("scan");
        Directory.EnumerateFileSystemEntries(Folder.Path).Should().BeEmpty("a bare call creates no config");
    }

    [Fact]
    public async Task Help_asked_of_a_verb_that_does_not_exist_is_a_bad_command_line_not_the_top_level_help()
    {
        // A trial: `facesorter status --help` printed the top-level help and exited 0, as if status were a verb.
        var run = await CliRun.RunAsync([], Folder.Path, new Dictionary<string, string?>(), Token, "status", "--help");

        run.ExitCode.Should().Be(2, run.Stdout + run.Stderr);
        run.Stderr.Should().Contain("Unrecognized command or argument 'status'.").And.Contain("Run 'facesorter --help' for the options.");
        run.Stdout.Should().NotContain("Usage:");
    }

    [Theory]
    [InlineData("approve", "abc", "x")]
    [InlineData("reject", "12b")]
    public async Task A_review_id_that_is_not_a_whole_number_says_what_an_id_is(string verb, params string[] arguments)
    {
        var config = Config(_ => { });

        var run = await CliRun.RunAsync(config, Token, ["review", verb, .. arguments]);

        run.ExitCode.Should().Be(2, run.Stdout + run.Stderr);
        run.Stderr.Should().Contain($"'{arguments[0]}' is not a review item id: use the whole number in the ID column of 'facesorter review list'")
            .And.NotContain("System.Int64").And.NotContain("Cannot parse");
    }

    [Fact]
    public async Task A_person_name_that_cannot_be_a_folder_is_a_bad_command_line()
    {
        var config = Config(_ => { });

        var run = await CliRun.RunAsync(config, Token, "review", "approve", "99", "../x");

        run.ExitCode.Should().Be(2, run.Stdout + run.Stderr);
        run.Stderr.Should().Contain("'../x' is not a usable person name");
    }

    [Fact]
    public async Task Review_approve_and_reject_on_the_command_line_log_the_decision_once_as_the_web_page_does()
    {
        var config = Config(cfg => cfg["Immich"]!["ApiKey"] = Immich.ApiKey);
        var inbox = Path.Combine(Folder.Path, "data", "temp_downloads");
        foreach (var (name, seed) in new[] { ("kept.jpg", 931), ("dropped.jpg", 932) })
        {
            var content = TestImages.Jpeg(seed);
            Immich.SetFaces(Convert.ToHexStringLower(SHA256.HashData(content)), EmulatedFace.WithoutPerson());
            TestImages.Write(inbox, name, content);
        }

        (await CliRun.RunAsync(config, Token, "scan")).ExitCode.Should().Be(0);
        var items = JsonNode.Parse((await CliRun.RunAsync(config, Token, "review", "list", "--json")).Stdout)!.AsArray();
        string Id(string name) => items.Single(item => item!["file_path"]!.GetValue<string>().EndsWith(name, StringComparison.Ordinal))!["id"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var approve = await CliRun.RunAsync(config, Token, "review", "approve", Id("kept.jpg"), "Dave");
        var reject = await CliRun.RunAsync(config, Token, "review", "reject", Id("dropped.jpg"));

        approve.ExitCode.Should().Be(0, approve.Stderr);
        Lines(approve.Stderr, "approved as").Should().ContainSingle().Which.Should().MatchRegex($@"INF FaceSorter\.Review\.ReviewActions: .*kept\.jpg approved as dave by cli \(review item {Id("kept.jpg")}\)");
        reject.ExitCode.Should().Be(0, reject.Stderr);
        Lines(reject.Stderr, "rejected by").Should().ContainSingle().Which.Should().Contain($"dropped.jpg rejected by cli (review item {Id("dropped.jpg")})");
    }

    [Fact]
    public async Task Review_approve_and_reject_the_filesystem_refuses_say_so_in_one_line_each_not_as_a_crash()
    {
        var config = Config(cfg => cfg["Immich"]!["ApiKey"] = Immich.ApiKey);
        var data = Path.Combine(Folder.Path, "data");
        foreach (var (name, seed) in new[] { ("blocked.jpg", 941), ("frozen.jpg", 942), ("kept.jpg", 943) })
        {
            var content = TestImages.Jpeg(seed);
            Immich.SetFaces(Convert.ToHexStringLower(SHA256.HashData(content)), EmulatedFace.WithoutPerson());
            TestImages.Write(Path.Combine(data, "temp_downloads"), name, content);
        }

        (await CliRun.RunAsync(config, Token, "scan")).ExitCode.Should().Be(0);
        var items = JsonNode.Parse((await CliRun.RunAsync(config, Token, "review", "list", "--json")).Stdout)!.AsArray();
        string PathOf(string name) => items.Single(item => item!["file_path"]!.GetValue<string>().EndsWith(name, StringComparison.Ordinal))!["file_path"]!.GetValue<string>();
        string Id(string name) => items.Single(item => item!["file_path"]!.GetValue<string>() == PathOf(name))!["id"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(Path.Combine(data, "faces", "dave"), "a file where the person folder goes", Token);

        var blocked = await CliRun.RunAsync(config, Token, "review", "approve", Id("blocked.jpg"), "Dave");
        CliRun frozen, kept;
        using (new ImmutableFolder(Path.GetDirectoryName(PathOf("frozen.jpg"))!))
        {
            frozen = await CliRun.RunAsync(config, Token, "review", "approve", Id("frozen.jpg"), "Erin");
            kept = await CliRun.RunAsync(config, Token, "review", "reject", Id("kept.jpg"));
        }

        foreach (var (run, says) in new[] { (blocked, "could not be moved to faces/dave/"), (frozen, "could not be moved to faces/erin/: "), (kept, "is rejected, but ") })
        {
            run.ExitCode.Should().Be(1, run.Stderr);
            run.Stderr.Should().Contain(says).And.NotContain("unexpectedly").And.NotContain("   at ", "no stack trace");
        }

        Lines(blocked.Stderr, "not approved as dave by cli").Should().ContainSingle("the refusal is logged once").Which.Should().Contain("WRN").And.Contain(PathOf("blocked.jpg"));
        frozen.Stderr.Should().Contain("Operation not permitted", "the reason the filesystem gave");
        Lines(kept.Stderr, "could not be deleted").Should().Contain(line => line.Contains("WRN", StringComparison.Ordinal));
        new[] { "blocked.jpg", "frozen.jpg", "kept.jpg" }.Should().AllSatisfy(name => File.Exists(PathOf(name)).Should().BeTrue("nothing moved or was deleted"));
        Directory.Exists(Path.Combine(data, "faces", "erin")).Should().BeFalse("a folder made for a move that failed is taken away");
        var after = JsonNode.Parse((await CliRun.RunAsync(config, Token, "review", "list", "--all", "--json")).Stdout)!.AsArray();
        string ActionOf(string name) => after.Single(item => item!["file_path"]!.GetValue<string>() == PathOf(name))!["action"]!.GetValue<string>();
        ActionOf("blocked.jpg").Should().Be("pending");
        ActionOf("frozen.jpg").Should().Be("pending");
        ActionOf("kept.jpg").Should().Be("rejected", "the user's rejection stands; only the deletion is left to them");

        // Once the folder allows it, rejecting again deletes the file; it had said "already rejected" and left it.
        var again = await CliRun.RunAsync(config, Token, "review", "reject", Id("kept.jpg"));
        again.ExitCode.Should().Be(0, again.Stderr);
        File.Exists(PathOf("kept.jpg")).Should().BeFalse();
        Lines(again.Stderr, "deleted by cli").Should().ContainSingle().Which.Should().Contain($"it was rejected earlier (review item {Id("kept.jpg")})");
    }

    [Fact]
    public async Task Rejecting_again_never_deletes_a_later_file_that_took_the_rejected_files_name()
    {
        var config = Config(cfg => cfg["Immich"]!["ApiKey"] = Immich.ApiKey);
        var content = TestImages.Jpeg(951);
        Immich.SetFaces(Convert.ToHexStringLower(SHA256.HashData(content)), EmulatedFace.WithoutPerson());
        TestImages.Write(Path.Combine(Folder.Path, "data", "temp_downloads"), "gone.jpg", content);
        (await CliRun.RunAsync(config, Token, "scan")).ExitCode.Should().Be(0);
        var item = JsonNode.Parse((await CliRun.RunAsync(config, Token, "review", "list", "--json")).Stdout)!.AsArray().Single()!;
        var id = item["id"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var path = item["file_path"]!.GetValue<string>();
        (await CliRun.RunAsync(config, Token, "review", "reject", id)).ExitCode.Should().Be(0);
        await File.WriteAllTextAsync(path, "another file under the same name", Token);

        var again = await CliRun.RunAsync(config, Token, "review", "reject", id);

        again.ExitCode.Should().Be(1, again.Stderr);
        again.Stderr.Should().Contain($"review item {id} was already rejected by cli");
        File.Exists(path).Should().BeTrue("its content is not what was rejected");
    }

    [Theory]
    [InlineData("\"Information\"")]
    [InlineData("{ \"Default\": \"Information\" }")]
    [InlineData("{ \"Default\": \"Debug\", \"Override\": { \"FaceSorter\": \"Information\" } }")]
    public async Task A_serilog_section_that_names_no_library_still_keeps_httpclients_lines_per_request_out(string minimumLevel)
    {
        // A user's own Serilog section without the shipped overrides logged four HttpClient lines per Immich request.
        var config = Config(cfg => cfg["Immich"]!["ApiKey"] = Immich.ApiKey);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config, Token))!;
        json["Serilog"]!["MinimumLevel"] = JsonNode.Parse(minimumLevel);
        await File.WriteAllTextAsync(config, json.ToJsonString(), Token);
        var content = TestImages.Jpeg(961);
        Immich.SetFaces(Convert.ToHexStringLower(SHA256.HashData(content)), EmulatedFace.WithoutPerson());
        TestImages.Write(Path.Combine(Folder.Path, "data", "temp_downloads"), "a.jpg", content);

        var scan = await CliRun.RunAsync(config, Token, "scan");

        scan.ExitCode.Should().Be(0, scan.Stdout + scan.Stderr);
        (scan.Stdout + scan.Stderr).Should().Contain("a.jpg -> review/unidentified/")
            .And.NotContain("System.Net.Http", "HttpClient logs every request at Information")
            .And.NotContain("Microsoft.Hosting");
    }

    private static IEnumerable<string> Lines(string output, string containing) =>
        output.Split('\n').Where(line => line.Contains(containing, StringComparison.Ordinal));

    private string Config(Action<JsonObject> configure) =>
        TestConfig.Write(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            configure(cfg);
        });
}
