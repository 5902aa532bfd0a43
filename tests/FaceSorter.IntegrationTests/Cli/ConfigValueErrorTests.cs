using System.Text.Json.Nodes;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Cli;

/// <summary>
/// Issue 14, found in a new-user trial: a value that is not a number, duration, switch or choice, in the
/// config file or a <c>FACESORTER__…</c> variable, stops the published app with exit code 2 and one line
/// naming the key, the bad value and what is accepted (docs/contracts.md, "Configuration"), never the
/// binder's "Failed to convert … to type 'System.Int32'".
/// </summary>
public sealed class ConfigValueErrorTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(5));

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    public static TheoryData<string, string, string, string, string> BadValues() => new()
    {
        // where, key (as the user writes it), bad value, the key as named, what is accepted
        { "file", "NearDuplicateMaxDistance", "twelve", "FaceSorter:NearDuplicateMaxDistance", "use a whole number (digits only), e.g. 12" },
        { "variable", "NearDuplicateMaxDistance", "twelve", "FaceSorter:NearDuplicateMaxDistance", "use a whole number (digits only), e.g. 12" },
        { "file", "MinConfidence", "high", "FaceSorter:MinConfidence", "use a number with a dot for decimals, e.g. 0.6" },
        { "variable", "Immich__FaceWaitTimeout", "2m", "FaceSorter:Immich:FaceWaitTimeout", "use a duration as hh:mm:ss (d.hh:mm:ss for days; seconds may have decimals), e.g. 00:02:00" },
        { "file", "Review__AutoMoveOnRecheck", "maybe", "FaceSorter:Review:AutoMoveOnRecheck", "use true or false" },
        { "variable", "Web__Enabled", "yes", "FaceSorter:Web:Enabled", "use true or false" },
        { "file", "Watching", "Sometimes", "FaceSorter:Watching", "use one of Auto, Events, Poll" },
        { "variable", "Database__Provider", "Mysql", "FaceSorter:Database:Provider", "use one of Sqlite, Postgres" },
        { "variable", "Web__NotifyBatchSize", "ten", "FaceSorter:Web:NotifyBatchSize", "use a whole number (digits only), e.g. 10" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task A_value_that_is_not_of_its_kind_stops_start_up_naming_the_key_the_value_and_what_is_accepted(string where, string key, string value, string named, string accepted)
    {
        var config = TestConfig.Write(_folder.Path, cfg =>
        {
            if (where == "file")
            {
                var path = key.Split("__");
                var section = path[..^1].Aggregate(cfg, (node, name) => node[name]!.AsObject());
                section[path[^1]] = JsonValue.Create(value);
            }
        });
        var environment = new Dictionary<string, string?>();
        if (where == "variable")
        {
            environment["FACESORTER__" + key] = value;
        }

        foreach (var verb in new[] { "run", "stats" })
        {
            var run = await CliRun.RunAsync([], _folder.Path, environment, _timeout.Token, verb, "--config", config);

            run.ExitCode.Should().Be(2, $"{verb}: {run.Stdout}{run.Stderr}");
            (run.Stdout + run.Stderr).Should().Contain($"{named} = '{value}' is not valid: {accepted}", verb)
                .And.NotContain("Failed to convert", verb);
        }
    }
    public static TheoryData<string, string> WrongShapes() => new()
    {
        // the setting as the user writes it (JSON in the file, or NAME=value), what the message says
        { "\"Whitelist\": \"alice\"", "FaceSorter:Whitelist = 'alice' is not valid: it is a list, not one value. Fix: write \"Whitelist\": [\"alice\"] in the config file, or FACESORTER__Whitelist__0=alice as variables" },
        { "\"Blacklist\": \"bob\"", "FaceSorter:Blacklist = 'bob' is not valid: it is a list, not one value. Fix: write \"Blacklist\": [\"bob\"]" },
        { "\"Blacklist\": {\"a\": \"bob\"}", "FaceSorter:Blacklist = {\"a\": \"bob\"} is not valid: it is a list, not an object with names. Fix: write \"Blacklist\": [\"bob\"]" },
        { "FACESORTER__Whitelist=alice", "FaceSorter:Whitelist = 'alice' is not valid: it is a list, not one value. Fix: write \"Whitelist\": [\"alice\"] in the config file, or FACESORTER__Whitelist__0=alice as variables" },
        { "FACESORTER__Blacklist__a=bob", "FaceSorter:Blacklist = {\"a\": \"bob\"} is not valid: it is a list, not an object with names" },
        { "\"Review\": \"00:00:05\"", "FaceSorter:Review = '00:00:05' is not valid: it is a group of settings, not one value" },
        { "\"MinConfidence\": [0.7]", "FaceSorter:MinConfidence = [\"0.7\"] is not valid: it is one value, not a list. Fix: write \"MinConfidence\": \"0.6\"" },
    };

    /// <summary>Before this check the binder dropped these without a word: an empty whitelist and blacklist, so a blacklisted person was sorted.</summary>
    [Theory]
    [MemberData(nameof(WrongShapes))]
    public async Task A_list_or_section_given_in_the_wrong_shape_stops_start_up_naming_the_key_what_was_given_and_how_to_write_it(string setting, string message)
    {
        var environment = new Dictionary<string, string?>();
        var config = TestConfig.Write(_folder.Path, cfg =>
        {
            if (!setting.StartsWith("FACESORTER__", StringComparison.Ordinal))
            {
                var (name, value) = JsonNode.Parse("{" + setting + "}")!.AsObject().Single();
                cfg[name] = value!.DeepClone();
            }
        });
        if (setting.StartsWith("FACESORTER__", StringComparison.Ordinal))
        {
            environment[setting.Split('=')[0]] = setting.Split('=')[1];
        }

        foreach (var verb in new[] { "run", "stats" })
        {
            var run = await CliRun.RunAsync([], _folder.Path, environment, _timeout.Token, verb, "--config", config);

            run.ExitCode.Should().Be(2, $"{verb}: {run.Stdout}{run.Stderr}");
            (run.Stdout + run.Stderr).Should().Contain(message, verb);
        }
    }

    [Theory]
    [InlineData("Sqlite", "Data Sorce=x.db", "FaceSorter:Database:ConnectionString = 'Data Sorce=…' is not valid: SQLite has no keyword 'Data Sorce' (did you mean 'Data Source'?). Fix: e.g. Data Source=data/facesorter.db")]
    [InlineData("Postgres", "Host=localhost;Usrname=facesorter;Password=secret", "FaceSorter:Database:ConnectionString = 'Host=localhost;Usrname=…;Password=…' is not valid: PostgreSQL (Npgsql) has no keyword 'Usrname' (did you mean 'Username'?)")]
    public async Task A_connection_string_its_driver_cannot_read_stops_start_up_with_exit_code_2_naming_the_keyword_and_the_fix(string provider, string connectionString, string message)
    {
        var config = TestConfig.Write(_folder.Path, cfg =>
        {
            cfg["Database"]!["Provider"] = provider;
            cfg["Database"]!["ConnectionString"] = connectionString;
        });

        foreach (var verb in new[] { "run", "scan" })
        {
            var run = await CliRun.RunAsync([], _folder.Path, new Dictionary<string, string?>(), _timeout.Token, verb, "--config", config);

            run.ExitCode.Should().Be(2, $"{verb}: {run.Stdout}{run.Stderr}");
            (run.Stdout + run.Stderr).Should().Contain(message, verb).And.NotContain("   at ", "no stack trace").And.NotContain("secret");
        }
    }

    [Fact]
    public async Task A_json_syntax_error_stops_start_up_naming_its_line_and_column()
    {
        var config = TestConfig.Write(_folder.Path, _ => { });
        var lines = (await File.ReadAllTextAsync(config, _timeout.Token)).ReplaceLineEndings("\n").Split('\n').ToList();
        lines.Insert(1, "  \"Stray\": 1,,"); // a double comma on line 2, after the 13 characters before it
        await File.WriteAllTextAsync(config, string.Join('\n', lines), _timeout.Token);

        var run = await CliRun.RunAsync([], _folder.Path, new Dictionary<string, string?>(), _timeout.Token, "run", "--config", config);

        run.ExitCode.Should().Be(2, run.Stdout + run.Stderr);
        (run.Stdout + run.Stderr).Should().Contain("Line 2, column 14:").And.Contain("Fix: correct the JSON syntax there.");
    }

    [Fact]
    public async Task A_folder_that_a_file_is_in_the_way_of_stops_run_and_scan_with_exit_code_2_naming_the_key()
    {
        var blocker = Path.Combine(_folder.Path, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder", _timeout.Token);
        var config = TestConfig.Write(_folder.Path, cfg => cfg["Directories"]!["Inbox"] = Path.Combine(blocker, "inbox"));

        foreach (var verb in new[] { "run", "scan" })
        {
            var run = await CliRun.RunAsync([], _folder.Path, new Dictionary<string, string?>(), _timeout.Token, verb, "--config", config);

            run.ExitCode.Should().Be(2, $"{verb}: {run.Stdout}{run.Stderr}");
            (run.Stdout + run.Stderr).Should().Contain($"FaceSorter:Directories:Inbox = '{Path.Combine(blocker, "inbox")}' is not valid: {Path.Combine(blocker, "inbox")} cannot be created: {blocker} is a file. Fix: move {blocker} away, or point FaceSorter:Directories:Inbox at a folder.", verb)
                .And.NotContain("   at ", verb + ": no stack trace");
        }
    }

    [Theory]
    [InlineData("a file in its place")]
    [InlineData("an immutable review folder")]
    [InlineData("an immutable category folder")]
    public async Task A_review_category_folder_the_start_cannot_make_or_write_stops_run_and_scan_with_exit_code_2_naming_the_key(string blockedBy)
    {
        // Before, StartupTasks' CreateDirectory crashed the start with a stack trace, and doctor said the folder was fine;
        // an existing category folder made immutable was found only when a file was bound for it (a trial).
        var review = Directory.CreateDirectory(Path.Combine(_folder.Path, "review")).FullName;
        var unidentified = Path.Combine(review, "unidentified");
        var config = TestConfig.Write(_folder.Path, cfg => cfg["Directories"]!["Review"] = review);
        foreach (var category in FaceSorter.Decisions.ReviewCategories.All.Where(category => category != "unidentified"))
        {
            Directory.CreateDirectory(Path.Combine(review, category));
        }

        string problem, doctorSays;
        string? immutable = null;
        switch (blockedBy)
        {
            case "a file in its place":
                await File.WriteAllTextAsync(unidentified, "not a folder", _timeout.Token);
                problem = $"{unidentified} is a file, not a folder. Fix: move {unidentified} away, or point FaceSorter:Directories:Review at a folder.";
                doctorSays = $"{unidentified} is a file";
                break;
            case "an immutable review folder":
                immutable = review;
                problem = $"{review} is not writable (Operation not permitted (errno 1)). Fix: give the user running FaceSorter write access to {review}";
                doctorSays = $"{review} is not writable";
                break;
            default:
                immutable = Directory.CreateDirectory(unidentified).FullName;
                problem = $"{unidentified} is not writable (Operation not permitted (errno 1)). Fix: give the user running FaceSorter write access to {unidentified}";
                doctorSays = $"{unidentified} is not writable";
                break;
        }

        using var frozen = immutable is null ? null : new ImmutableFolder(immutable);
        foreach (var verb in new[] { "run", "scan" })
        {
            var run = await CliRun.RunAsync([], _folder.Path, new Dictionary<string, string?>(), _timeout.Token, verb, "--config", config);

            run.ExitCode.Should().Be(2, $"{verb}: {run.Stdout}{run.Stderr}");
            (run.Stdout + run.Stderr).Should().Contain($"FaceSorter:Directories:Review = '{review}' is not valid: {problem}", verb)
                .And.NotContain("   at ", verb + ": no stack trace");
        }

        var doctor = await CliRun.RunAsync([], _folder.Path, new Dictionary<string, string?>(), _timeout.Token, "doctor", "--config", config);
        doctor.ExitCode.Should().Be(1, doctor.Stdout);
        doctor.Stdout.Should().Contain("FAIL  Folder Review").And.Contain(doctorSays);
    }

    [Theory]
    [InlineData("MinConfidence above 1")]
    [InlineData("SQLite with a Password")]
    public async Task A_config_error_found_after_the_host_is_built_makes_no_log_file_for_the_read_only_verbs(string error)
    {
        // A trial: doctor, which "changes nothing on disk", made logs/facesorter-<date>.log to write its one fatal line in.
        var config = TestConfig.Write(_folder.Path, cfg =>
        {
            if (error == "MinConfidence above 1")
            {
                cfg["MinConfidence"] = 1.5;
            }
            else
            {
                cfg["Database"]!["ConnectionString"] = "Data Source=data/facesorter.db;Password=x";
            }
        }, logFile: true);
        var logs = Path.Combine(_folder.Path, "logs");

        foreach (var verb in new[] { "doctor", "stats", "health" })
        {
            var run = await CliRun.RunAsync([], _folder.Path, new Dictionary<string, string?>(), _timeout.Token, verb, "--config", config);

            run.ExitCode.Should().Be(verb == "health" ? 1 : 2, $"{verb}: {run.Stdout}{run.Stderr}");
            Directory.Exists(logs).Should().BeFalse($"{verb} writes nothing");
        }

        var daemon = await CliRun.RunAsync([], _folder.Path, new Dictionary<string, string?>(), _timeout.Token, "run", "--config", config);
        daemon.ExitCode.Should().Be(2);
        Directory.EnumerateFiles(logs).Should().ContainSingle("run's config error is in the service's log file as before");
    }
}
