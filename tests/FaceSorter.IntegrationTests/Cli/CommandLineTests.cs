using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Cli;

/// <summary>
/// The published <c>facesorter</c> verbs as a user runs them: <c>doctor</c> against the Immich and ML
/// emulators and a real PostgreSQL, the <c>--json</c> contracts (docs/contracts.md, "Command line"), and a
/// config error.
/// </summary>
public sealed class CommandLineTests : EmulatedImmichTest
{
    public CommandLineTests()
        : base(TimeSpan.FromMinutes(3))
    {
    }

    [Fact]
    public async Task Doctor_passes_in_upload_mode_against_a_working_immich_and_says_so_in_json()
    {
        var config = Config(cfg => cfg["Immich"]!["ApiKey"] = Immich.ApiKey);

        var run = await CliRun.RunAsync(config, Token, "doctor", "--json");

        run.ExitCode.Should().Be(0, run.Stdout + run.Stderr);
        var report = JsonNode.Parse(run.Stdout)!;
        report["ok"]!.GetValue<bool>().Should().BeTrue();
        var checks = report["checks"]!.AsArray().ToDictionary(check => check!["name"]!.GetValue<string>(), check => check!);
        checks["Immich server"]!["status"]!.GetValue<string>().Should().Be("ok");
        checks["Immich server"]!["detail"]!.GetValue<string>().Should().Contain("v3.1.0");
        checks["Immich API key"]!["status"]!.GetValue<string>().Should().Be("ok");
        checks["Store"]!["status"]!.GetValue<string>().Should().Be("ok");
        checks["ML service"]!["status"]!.GetValue<string>().Should().Be("skipped");
        checks.Keys.Should().Contain(["Folder Inbox", "Folder Faces", "Folder Review", "Same filesystem", "Immich database"]);
    }

    [Fact]
    public async Task Doctor_warns_about_a_listed_name_that_is_hidden_or_no_named_person_in_immich()
    {
        Immich.GivenPerson("Alice Smith");
        Immich.GivenPerson("Bob");
        Immich.HidePerson("Bob");
        var config = Config(cfg =>
        {
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
            cfg["Whitelist"] = new JsonArray("alice_smith", "Bob");
            cfg["Blacklist"] = new JsonArray("Carol");
        });

        var run = await CliRun.RunAsync(config, Token, "doctor", "--json");

        var people = JsonNode.Parse(run.Stdout)!["checks"]!.AsArray().Single(check => check!["name"]!.GetValue<string>() == "Immich people")!;
        people["status"]!.GetValue<string>().Should().Be("warning");
        var detail = people["detail"]!.GetValue<string>();
        detail.Should().Contain("\"Bob\" is a person").And.Contain("hidden").And.Contain("\"Carol\" is no named person").And.NotContain("alice_smith");
    }

    [Fact]
    public async Task Doctor_says_what_a_key_that_is_not_an_admins_costs()
    {
        Immich.IsAdmin = false;
        var config = Config(cfg => cfg["Immich"]!["ApiKey"] = Immich.ApiKey);

        var run = await CliRun.RunAsync(config, Token, "doctor");

        run.Stdout.Should().Contain("warn  Immich API key").And.Contain("not an admin's").And.Contain("FaceWaitTimeout");
    }

    [Fact]
    public async Task Doctor_fails_on_a_wrong_api_key_and_names_the_key_to_fix()
    {
        var config = Config(cfg => cfg["Immich"]!["ApiKey"] = "not-a-key");

        var run = await CliRun.RunAsync(config, Token, "doctor");

        run.ExitCode.Should().Be(1);
        run.Stdout.Should().Contain("FAIL  Immich API key").And.Contain("FaceSorter:Immich:ApiKey").And.Contain("Something blocks sorting");
    }

    [Fact]
    public async Task Doctor_fails_when_immich_is_unreachable_or_a_folder_cannot_exist()
    {
        var blocker = Path.Combine(Folder.Path, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder", Token);
        var config = Config(cfg =>
        {
            cfg["Immich"]!["Url"] = "http://127.0.0.1:9";
            cfg["Directories"]!["Inbox"] = Path.Combine(blocker, "inbox");
        });

        var run = await CliRun.RunAsync(config, Token, "doctor");

        run.ExitCode.Should().Be(1);
        run.Stdout.Should().Contain("FAIL  Immich server").And.Contain("http://127.0.0.1:9").And.Contain("FaceSorter:Immich:Url");
        run.Stdout.Should().Contain("FAIL  Folder Inbox").And.Contain($"{blocker} is a file").And.Contain("FaceSorter:Directories:Inbox");
    }

    [Fact]
    public async Task Doctor_in_machine_learning_mode_checks_the_service_with_a_test_image_and_counts_the_named_faces()
    {
        await using var database = await PostgresImmichDatabase.CreateAsync(PostgresImmichDatabase.V31, Token);
        var owner = await database.AddUserAsync(Token);
        var alice = await database.AddPersonAsync(owner, "Alice", Token);
        var vectors = new MachineLearningVectors();
        await database.AddFaceAsync(owner, alice, vectors.Random(), Token);
        await database.AddFaceAsync(owner, alice, vectors.Random(), Token);
        await using var ml = await MachineLearningEmulator.StartAsync(Token);
        var config = Config(cfg =>
        {
            cfg["Immich"]!["Mode"] = "MachineLearning";
            cfg["Immich"]!["MachineLearningUrl"] = ml.BaseAddress.ToString();
            cfg["Immich"]!["DatabaseConnectionString"] = database.ConnectionString;
        });

        var run = await CliRun.RunAsync(config, Token, "doctor");

        run.ExitCode.Should().Be(0, run.Stdout + run.Stderr);
        run.Stdout.Should().Contain("ok    ML service").And.Contain("read a test image");
        run.Stdout.Should().Contain("layout Singular");
        run.Stdout.Should().Contain("1 named person, 2 faces");
        run.Stdout.Should().Contain("skip  Immich server");
        ml.Requests.Should().ContainSingle("one test predict").Which.Entries.Should().Contain("facial-recognition");
    }

    [Fact]
    public async Task Stats_and_review_list_print_the_design_json_and_review_approve_moves_the_file()
    {
        var content = TestImages.Jpeg(901);
        Immich.SetFaces(Convert.ToHexStringLower(SHA256.HashData(content)), EmulatedFace.WithoutPerson());
        var config = Config(cfg => cfg["Immich"]!["ApiKey"] = Immich.ApiKey);
        var inbox = Path.Combine(Folder.Path, "data", "temp_downloads");
        TestImages.Write(inbox, "someone.jpg", content);

        var scan = await CliRun.RunAsync(config, Token, "scan", "--json");
        scan.ExitCode.Should().Be(0, scan.Stdout + scan.Stderr);
        var summary = JsonNode.Parse(scan.Stdout)!; // stdout holds only the result; log lines go to stderr
        summary["sorted"]!.GetValue<int>().Should().Be(1);
        summary["by_destination"]!["review/unidentified"]!.GetValue<int>().Should().Be(1);

        var list = await CliRun.RunAsync(config, Token, "review", "list", "--json");
        list.ExitCode.Should().Be(0, list.Stderr);
        var item = JsonNode.Parse(list.Stdout)!.AsArray().Should().ContainSingle().Subject!;
        item["category"]!.GetValue<string>().Should().Be("unidentified");
        var id = item["id"]!.GetValue<long>();

        var approve = await CliRun.RunAsync(config, Token, "review", "approve", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "Zoe Doe");
        approve.ExitCode.Should().Be(0, approve.Stdout + approve.Stderr);
        File.Exists(Path.Combine(Folder.Path, "data", "faces", "zoe_doe", "someone.jpg")).Should().BeTrue();

        var pending = await CliRun.RunAsync(config, Token, "review", "list");
        pending.Stdout.Should().Contain("0 items waiting for review").And.NotContain("someone.jpg", "a decided item is listed only with --all");
        var all = await CliRun.RunAsync(config, Token, "review", "list", "--all", "--json");
        JsonNode.Parse(all.Stdout)!.AsArray().Should().ContainSingle().Which!["action"]!.GetValue<string>().Should().Be("approved");

        var stats = await CliRun.RunAsync(config, Token, "stats", "--json");
        stats.ExitCode.Should().Be(0, stats.Stderr);
        using var json = JsonDocument.Parse(stats.Stdout);
        json.RootElement.EnumerateObject().Select(property => property.Name).Should().Contain(["auto_sorted", "in_review", "by_person", "by_category", "success_rate"]);
        json.RootElement.GetProperty("in_review").GetInt32().Should().Be(0, "the only item was approved");
    }

    [Fact]
    public async Task Stats_shows_the_files_held_in_the_drop_folder_with_their_reasons()
    {
        // The reasons were in the log once, and in the database; nothing a user runs showed them.
        var config = Config(cfg => cfg["Immich"]!["ApiKey"] = Immich.ApiKey);
        var inbox = Path.Combine(Folder.Path, "data", "temp_downloads");
        Directory.CreateDirectory(inbox);
        var link = Path.Combine(inbox, "link.jpg");
        File.CreateSymbolicLink(link, Path.Combine(Folder.Path, "elsewhere.jpg"));
        await File.WriteAllBytesAsync(Path.Combine(Folder.Path, "elsewhere.jpg"), TestImages.Jpeg(905), Token);
        (await CliRun.RunAsync(config, Token, "scan")).ExitCode.Should().Be(0);

        var text = await CliRun.RunAsync(config, Token, "stats");
        var json = await CliRun.RunAsync(config, Token, "stats", "--json");

        text.ExitCode.Should().Be(0, text.Stderr);
        text.Stdout.Should().Contain("Held in the drop folder now: 1 file").And.Contain($"  {link}: it is a symbolic link");
        var held = JsonNode.Parse(json.Stdout)!["held"]!;
        held["count"]!.GetValue<int>().Should().Be(1);
        held["files"]![0]!["file_path"]!.GetValue<string>().Should().Be(link);
        held["files"]![0]!["reason"]!.GetValue<string>().Should().Contain("symbolic link");

        File.Delete(link);
        (await CliRun.RunAsync(config, Token, "stats")).Stdout.Should().NotContain("Held in the drop folder", "a held file that is gone is not held");
    }

    [Fact]
    public async Task Scan_with_an_empty_file_in_the_drop_folder_exits_and_says_the_empty_file_is_left_as_a_placeholder()
    {
        var content = TestImages.Jpeg(902);
        Immich.SetFaces(Convert.ToHexStringLower(SHA256.HashData(content)), EmulatedFace.WithoutPerson());
        var config = Config(cfg => cfg["Immich"]!["ApiKey"] = Immich.ApiKey); // EmptyFileTimeout stays at its 10-minute default
        var inbox = Path.Combine(Folder.Path, "data", "temp_downloads");
        TestImages.Write(inbox, "someone.jpg", content);
        File.WriteAllBytes(Path.Combine(inbox, "empty.webp"), []);

        var scan = await CliRun.RunAsync(config, Token, "scan"); // CliRun fails the test when it does not exit within a minute

        scan.ExitCode.Should().Be(0, scan.Stdout + scan.Stderr);
        scan.Stdout.Should().Contain("Sorted 1 file").And.Contain("1 still downloading (1 of them empty: maybe download placeholders");
        scan.Stderr.Should().Contain("empty.webp is empty (0 bytes) and stays in the drop folder");
        File.Exists(Path.Combine(inbox, "empty.webp")).Should().BeTrue("an empty file is not decided before EmptyFileTimeout");
    }

    [Fact]
    public async Task Scan_with_a_decompression_bomb_names_it_once_in_the_log_and_prints_no_raw_libvips_warnings()
    {
        var config = Config(cfg => cfg["Immich"]!["ApiKey"] = Immich.ApiKey);
        var inbox = Path.Combine(Folder.Path, "data", "temp_downloads");
        TestImages.Write(inbox, "bomb.png", BadPictures.Bomb());

        var scan = await CliRun.RunAsync(config, Token, "scan");

        scan.ExitCode.Should().Be(0, scan.Stdout + scan.Stderr);
        scan.Stderr.Should().NotContain("VIPS-WARNING").And.NotContain("not enough data");
        var named = scan.Stderr.Split('\n').Where(line => line.Contains("bomb.png", StringComparison.Ordinal) && line.Contains("not decoded", StringComparison.Ordinal)).ToList();
        named.Should().ContainSingle(scan.Stderr).Which.Should().Contain("100000×100000");
        named[0].Split("not decoded").Should().HaveCount(2, "the line says once that it is not decoded");
    }

    [Fact]
    public async Task A_bad_config_value_stops_every_verb_with_exit_code_2_naming_the_key()
    {
        var config = Config(cfg =>
        {
            cfg["MinConfidence"] = 2;
            cfg["SettleTime"] = "-00:00:01";
        });

        foreach (var verb in new[] { "doctor", "stats" })
        {
            var run = await CliRun.RunAsync(config, Token, verb);
            run.ExitCode.Should().Be(2, verb);
            var output = (run.Stdout + run.Stderr).ReplaceLineEndings("\n");
            output.Should().Contain("FaceSorter:MinConfidence", verb);
            output.Should().MatchRegex(@"Invalid configuration:\n\s*FaceSorter:\S+ = .*\n\s*FaceSorter:\S+ = ", verb + ": each problem on its own line, not escaped like a newline in a file name");
        }
    }

    private string Config(Action<JsonObject> configure) =>
        TestConfig.Write(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            configure(cfg);
        });
}
