using System.Text.Json.Nodes;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Cli;

/// <summary><c>doctor</c>'s writer-check and config-secrets lines, and secrets read from a file.</summary>
public sealed class WriterAndSecretsDoctorTests : EmulatedImmichTest
{
    public WriterAndSecretsDoctorTests()
        : base(TimeSpan.FromMinutes(3))
    {
    }

    private static Dictionary<string, JsonNode> Checks(CliRun run) =>
        JsonNode.Parse(run.Stdout)!["checks"]!.AsArray().ToDictionary(check => check!["name"]!.GetValue<string>(), check => check!);

    [Fact]
    public async Task Doctor_says_whether_the_writer_check_sees_other_users_and_warns_about_a_key_every_user_can_read()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("file modes");
        }

        var config = TestConfig.Write(Folder.Path, cfg => { cfg["Immich"]!["Url"] = Immich.Url; cfg["Immich"]!["ApiKey"] = Immich.ApiKey; });
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var readable = await CliRun.RunAsync(config, Token, "doctor", "--json");

        var checks = Checks(readable);
        checks["Writer check"]["status"]!.GetValue<string>().Should().Be("ok", "the tests run as root");
        checks["Writer check"]["detail"]!.GetValue<string>().Should().Contain("sees every user's open files").And.Contain("root");
        checks["Config secrets"]["status"]!.GetValue<string>().Should().Be("warning");
        checks["Config secrets"]["detail"]!.GetValue<string>().Should().Contain("FaceSorter:Immich:ApiKey").And.Contain("0644");
        checks["Config secrets"]["fix"]!.GetValue<string>().Should().Contain("chmod 640").And.Contain("ApiKeyFile");
        readable.ExitCode.Should().Be(0, "a warning does not block sorting");

        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var closed = await CliRun.RunAsync(config, Token, "doctor", "--json");

        Checks(closed)["Config secrets"]["status"]!.GetValue<string>().Should().Be("ok");
    }

    [Fact]
    public async Task The_api_key_can_come_from_a_file_and_a_key_file_that_cannot_be_read_stops_start_up_naming_the_key()
    {
        var keyFile = Path.Combine(Folder.Path, "immich-api-key");
        await File.WriteAllTextAsync(keyFile, Immich.ApiKey + "\n", Token);
        var config = TestConfig.Write(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = "";
            cfg["Immich"]!["ApiKeyFile"] = "immich-api-key";
        });

        var fromFile = await CliRun.RunAsync(config, Token, "doctor", "--json");

        fromFile.ExitCode.Should().Be(0, fromFile.Stdout + fromFile.Stderr);
        Checks(fromFile)["Immich API key"]["status"]!.GetValue<string>().Should().Be("ok");
        Checks(fromFile)["Config secrets"]["status"]!.GetValue<string>().Should().Be("ok", "the config file itself holds no secret");

        File.Delete(keyFile);
        var missing = await CliRun.RunAsync(config, Token, "doctor");

        missing.ExitCode.Should().Be(2);
        (missing.Stdout + missing.Stderr).Should().Contain("FaceSorter:Immich:ApiKeyFile").And.Contain(keyFile).And.Contain("cannot be read");
    }

    [Fact]
    public async Task Without_any_api_key_doctor_says_no_key_is_set_and_how_to_give_one_it_can_read()
    {
        var config = TestConfig.Write(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = "";
        });

        var run = await CliRun.RunAsync(config, Token, "doctor", "--json");

        run.ExitCode.Should().Be(1);
        var key = Checks(run)["Immich API key"];
        key["status"]!.GetValue<string>().Should().Be("failed");
        key["detail"]!.GetValue<string>().Should().Contain("no API key is set");
        key["fix"]!.GetValue<string>().Should().Contain("FaceSorter:Immich:ApiKeyFile").And.Contain("LoadCredential");
        Immich.CountRequests("GET", "/api/users/me").Should().Be(0, "there is nothing to ask with");
    }
}
