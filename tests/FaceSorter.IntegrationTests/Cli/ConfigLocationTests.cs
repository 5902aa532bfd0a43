using System.Text.Json.Nodes;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Cli;

/// <summary>
/// Where the config comes from when <c>--config</c> is not given (<c>FACESORTER_CONFIG</c>, else
/// <c>./facesorter.json</c>), and what a user sees when the data folder belongs to someone else:
/// one line naming the path, its owner, who we run as and the fix, exit code 2, no stack trace.
/// </summary>
public sealed class ConfigLocationTests : IDisposable
{
    // setpriv(1) runs the app as another user, as a container's --user does; nobody:nogroup here.
    private static readonly IReadOnlyList<string> AsNobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"];
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    private CancellationToken Token => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Every_verb_without_config_reads_the_file_FACESORTER_CONFIG_names_and_run_creates_it_there_when_missing()
    {
        var work = Directory.CreateDirectory(_folder.Combine("work")).FullName;
        var data = Directory.CreateDirectory(_folder.Combine("elsewhere")).FullName;
        var config = Path.Combine(data, "facesorter.json");
        var environment = new Dictionary<string, string?> { ["FACESORTER_CONFIG"] = config };

        var doctor = await CliRun.RunAsync([], work, environment, Token, "doctor", "--json");
        File.Exists(config).Should().BeFalse("doctor changes nothing on disk: " + doctor.Stderr);
        var stats = await CliRun.RunAsync([], work, environment, Token, "stats");
        var doctorAfter = await CliRun.RunAsync([], work, environment, Token, "doctor", "--json");

        stats.ExitCode.Should().Be(0, stats.Stderr);
        File.Exists(config).Should().BeTrue("a missing file named by FACESORTER_CONFIG is created from the shipped defaults, like ./facesorter.json");
        Directory.EnumerateFileSystemEntries(work).Should().BeEmpty("nothing is read or created in the working folder");
        foreach (var run in new[] { doctor, doctorAfter })
        {
            var inbox = JsonNode.Parse(run.Stdout)!["checks"]!.AsArray().Select(check => check!["detail"]!.GetValue<string>()).Where(detail => detail.Contains("temp_downloads", StringComparison.Ordinal));
            inbox.Should().NotBeEmpty(run.Stdout).And.OnlyContain(detail => detail.Contains(data, StringComparison.Ordinal), "the folders resolve against the config's folder");
        }
    }

    [Fact]
    public async Task FACESORTER_CONFIG_in_a_folder_that_does_not_exist_stops_with_exit_code_2_naming_the_variable()
    {
        var missing = _folder.Combine("not-mounted", "facesorter.json");

        var run = await CliRun.RunAsync([], _folder.Path, new Dictionary<string, string?> { ["FACESORTER_CONFIG"] = missing }, Token, "run");

        run.ExitCode.Should().Be(2, run.Stdout + run.Stderr);
        (run.Stdout + run.Stderr).Should().Contain($"{missing} (from FACESORTER_CONFIG) cannot be created").And.Contain("mkdir -p").And.NotContain("   at ");
    }

    [Fact]
    public async Task Doctor_and_health_with_FACESORTER_CONFIG_in_a_folder_that_does_not_exist_say_so_without_a_stack_trace()
    {
        // The container's HEALTHCHECK runs `health` and the README's `podman exec … doctor` with FACESORTER_CONFIG:
        // before, both ended in a DirectoryNotFoundException from the host's content root (new-user trial).
        var missing = _folder.Combine("not-mounted", "facesorter.json");
        var environment = new Dictionary<string, string?> { ["FACESORTER_CONFIG"] = missing };

        var doctor = await CliRun.RunAsync([], _folder.Path, environment, Token, "doctor");
        var health = await CliRun.RunAsync([], _folder.Path, environment, Token, "health");

        doctor.ExitCode.Should().Be(2, doctor.Stdout + doctor.Stderr);
        health.ExitCode.Should().Be(1, "a container's HEALTHCHECK reserves 2: " + health.Stdout + health.Stderr);
        health.Stdout.Should().StartWith("UNHEALTHY: the config cannot be read");
        foreach (var run in new[] { doctor, health })
        {
            (run.Stdout + run.Stderr).Should().Contain($"{missing} (from FACESORTER_CONFIG) does not exist, nor does its folder").And.Contain("mkdir -p").And.NotContain("   at ");
        }

        Directory.Exists(Path.GetDirectoryName(missing)).Should().BeFalse("neither creates anything");
    }

    [Fact]
    public async Task A_relative_log_file_path_resolves_against_the_config_files_folder_not_the_working_folder()
    {
        var data = Directory.CreateDirectory(_folder.Combine("data-home")).FullName;
        var work = Directory.CreateDirectory(_folder.Combine("work")).FullName;
        var config = TestConfig.Write(data, logFile: true);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config, Token))!;
        json["Serilog"]!["WriteTo"]![1]!["Args"]!["path"] = "mylogs/fs-.log";
        await File.WriteAllTextAsync(config, json.ToJsonString(), Token);

        var scan = await CliRun.RunAsync([], work, new Dictionary<string, string?>(), Token, "scan", "--config", config);

        scan.ExitCode.Should().Be(0, scan.Stdout + scan.Stderr);
        Directory.EnumerateFiles(Path.Combine(data, "mylogs"), "fs-*.log").Should().ContainSingle("relative paths in the config resolve against its folder (README)");
        Directory.EnumerateFileSystemEntries(work).Should().BeEmpty("nothing is written in the working folder");
    }

    [Fact]
    public async Task A_path_beginning_with_a_tilde_is_under_the_home_folder_for_FACESORTER_CONFIG_folders_database_and_log_file()
    {
        var home = Directory.CreateDirectory(_folder.Combine("home")).FullName;
        var data = Directory.CreateDirectory(_folder.Combine("config-folder")).FullName;
        var config = TestConfig.Write(data, logFile: true);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config, Token))!;
        json["FaceSorter"]!["Directories"]!["Inbox"] = "~/Downloads/facesorter";
        json["FaceSorter"]!["Directories"]!["Faces"] = "~/Pictures/faces";
        json["FaceSorter"]!["Directories"]!["Review"] = "~/Pictures/review";
        json["FaceSorter"]!["Database"]!["ConnectionString"] = "Data Source=~/facesorter.db";
        json["Serilog"]!["WriteTo"]![1]!["Args"]!["path"] = "~/logs/fs-.log";
        await File.WriteAllTextAsync(config, json.ToJsonString(), Token);
        TestImages.Write(Directory.CreateDirectory(Path.Combine(home, "Downloads", "facesorter")).FullName, "notes.jpg", "not a picture"u8.ToArray());

        File.Move(config, Path.Combine(home, "facesorter.json"));

        // FACESORTER_CONFIG as a service manager passes it, unexpanded.
        var scan = await CliRun.RunAsync([], data, new Dictionary<string, string?> { ["HOME"] = home, ["FACESORTER_CONFIG"] = "~/facesorter.json" }, Token, "scan");

        scan.ExitCode.Should().Be(0, scan.Stdout + scan.Stderr);
        File.Exists(Path.Combine(home, "Pictures", "review", "unidentified", "invalid_notes.jpg")).Should().BeTrue(scan.Stdout + scan.Stderr);
        File.Exists(Path.Combine(home, "facesorter.db")).Should().BeTrue("the SQLite file is under the home folder too");
        Directory.EnumerateFiles(Path.Combine(home, "logs"), "fs-*.log").Should().ContainSingle("the log file as well");
        Directory.EnumerateFileSystemEntries(data).Select(Path.GetFileName).Should().NotContain("~", "JSON has no shell: a literal ~ made a folder named ~ beside the config");

        // `--config=~/…` as one word: the shell leaves its ~ alone.
        var again = await CliRun.RunAsync([], data, new Dictionary<string, string?> { ["HOME"] = home }, Token, "scan", "--config=~/facesorter.json");
        again.ExitCode.Should().Be(0, again.Stdout + again.Stderr);
    }

    [Fact]
    public async Task A_sqlite_data_source_that_is_a_folder_stops_with_exit_code_2_naming_the_key_and_locks_nothing()
    {
        var home = Directory.CreateDirectory(_folder.Combine("home")).FullName;
        var data = Directory.CreateDirectory(_folder.Combine("config-folder")).FullName;
        var config = TestConfig.Write(data, cfg => cfg["Database"]!["ConnectionString"] = "Data Source=~");

        var scan = await CliRun.RunAsync([], data, new Dictionary<string, string?> { ["HOME"] = home }, Token, "scan", "--config", config);

        scan.ExitCode.Should().Be(2, scan.Stdout + scan.Stderr);
        (scan.Stdout + scan.Stderr).Should().Contain($"FaceSorter:Database:ConnectionString = 'Data Source={home}' is not valid: its Data Source {home} is a folder")
            .And.NotContain("   at ", "a config error, not a crash in SQLite");
        Directory.EnumerateFileSystemEntries(_folder.Path).Select(Path.GetFileName).Should().BeEquivalentTo(["home", "config-folder"], "no lock file beside the folder");
    }

    [Fact]
    public async Task A_config_path_that_is_a_folder_stops_with_exit_code_2_saying_so()
    {
        var folder = Directory.CreateDirectory(_folder.Combine("conf.json")).FullName;

        var given = await CliRun.RunAsync([], _folder.Path, new Dictionary<string, string?>(), Token, "stats", "--config", folder);
        var fromVariable = await CliRun.RunAsync([], _folder.Path, new Dictionary<string, string?> { ["FACESORTER_CONFIG"] = folder }, Token, "stats");

        foreach (var run in new[] { given, fromVariable })
        {
            run.ExitCode.Should().Be(2, run.Stdout + run.Stderr);
            (run.Stdout + run.Stderr).Should().Contain($"Config file {folder} (from ").And.Contain("is a folder, not a file. Fix: give the file's path, e.g. " + Path.Combine(folder, "facesorter.json"));
        }

        var health = await CliRun.RunAsync([], _folder.Path, new Dictionary<string, string?>(), Token, "health", "--config", folder);
        health.ExitCode.Should().Be(1, "health is a container's HEALTHCHECK, where 2 is reserved: " + health.Stdout + health.Stderr);
        health.Stdout.Should().StartWith("UNHEALTHY: the config cannot be read:").And.Contain("is a folder, not a file");
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // RootOwnedFolder fails elsewhere
    public async Task A_config_file_its_user_may_not_read_names_the_files_owner_and_mode_and_no_recursive_chown()
    {
        var folder = RootOwnedFolder("conf", "the test runs the app as nobody (setpriv) on a root-owned file of mode 000");
        var config = Path.Combine(folder, "facesorter.json");
        await File.WriteAllTextAsync(config, "{}", Token);
        File.SetUnixFileMode(config, UnixFileMode.None);

        var run = await CliRun.RunAsync(AsNobody, folder, new Dictionary<string, string?> { ["HOME"] = "/tmp" }, Token, "stats", "--config", config);

        run.ExitCode.Should().Be(2, run.Stdout + run.Stderr);
        (run.Stdout + run.Stderr).Should().Contain($"Cannot read the config file {config}: permission denied; it belongs to 0:0, its mode is 000, and FaceSorter runs as 65534:65534. Fix: sudo chown 65534:65534 {config}")
            .And.NotContain("chown -R").And.NotContain("   at ");
    }

    [Fact]
    public async Task A_data_folder_owned_by_root_stops_run_with_exit_code_2_naming_the_path_both_owners_and_the_fix_without_a_stack_trace()
    {
        var data = RootOwnedFolder("data", "the test makes a folder another user may not write and runs the app as nobody (setpriv), as a container runtime does with a missing host folder");

        var run = await CliRun.RunAsync(AsNobody, data, new Dictionary<string, string?> { ["HOME"] = "/tmp" }, Token, "run");

        run.ExitCode.Should().Be(2, run.Stdout + run.Stderr);
        var output = run.Stdout + run.Stderr;
        output.Should().Contain($"Cannot create the config file {Path.Combine(data, "facesorter.json")}: permission denied; {data} belongs to 0:0 and FaceSorter runs as 65534:65534")
            .And.Contain($"Fix: sudo chown -R 65534:65534 {data}")
            .And.NotContain("UnauthorizedAccessException").And.NotContain("   at ");
        File.Exists(Path.Combine(data, "facesorter.json")).Should().BeFalse();
    }

    [Fact]
    public async Task Doctor_in_a_container_names_container_options_not_the_systemd_unit_as_the_writer_check_fix()
    {
        Environment.UserName.Should().Be("root", "the test runs doctor as nobody (setpriv) in a PID namespace of its own, as a container with --user does");
        var config = TestConfig.Write(_folder.Path);

        var run = await CliRun.RunUnderAsync([.. DaemonProcess.OwnPidNamespace, .. AsNobody], config, Token, "doctor", "--json");

        var check = JsonNode.Parse(run.Stdout)!["checks"]!.AsArray().Single(node => node!["name"]!.GetValue<string>() == "Writer check")!;
        check["detail"]!.GetValue<string>().Should().Contain("other users' open files", run.Stdout + run.Stderr);
        check["fix"]!.GetValue<string>().Should().Contain("--cap-add SYS_PTRACE").And.Contain("--user").And.Contain("--pid host").And.NotContain("AmbientCapabilities");
    }

    /// <summary>A folder (mode 755) that root owns and nobody may only read, for tests that run the app as nobody; the test runs as root on Linux.</summary>
    private string RootOwnedFolder(string name, string why)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("file modes");
        }

        Environment.UserName.Should().Be("root", why);
        var folder = Directory.CreateDirectory(_folder.Combine(name)).FullName;
        File.SetUnixFileMode(_folder.Path, File.GetUnixFileMode(_folder.Path) | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return folder;
    }
}
