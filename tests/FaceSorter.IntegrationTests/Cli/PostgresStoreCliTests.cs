using System.Text.Json.Nodes;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Cli;

/// <summary>The published app on the PostgreSQL store, as a user with a shared database runs it.</summary>
public sealed class PostgresStoreCliTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_scan_on_the_postgres_store_logs_the_sorted_file_not_npgsqls_sql_commands()
    {
        // The shipped config of an earlier version: its Serilog overrides name Microsoft and System only.
        var config = TestConfig.Write(_folder.Path, cfg =>
        {
            cfg["Database"]!["Provider"] = "Postgres";
            cfg["Database"]!["ConnectionString"] = database.ConnectionString;
        });
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config, _timeout.Token))!;
        json["Serilog"]!["MinimumLevel"]!["Override"] = new JsonObject { ["Microsoft"] = "Warning", ["System"] = "Warning" };
        await File.WriteAllTextAsync(config, json.ToJsonString(), _timeout.Token);
        TestImages.Write(Directory.CreateDirectory(Path.Combine(_folder.Path, "data", "temp_downloads")).FullName, "notes.jpg", "not a picture"u8.ToArray());

        var scan = await CliRun.RunAsync(config, _timeout.Token, "scan");

        scan.ExitCode.Should().Be(0, scan.Stdout + scan.Stderr);
        (scan.Stdout + scan.Stderr).Should().Contain("notes.jpg -> review/unidentified/invalid_notes.jpg")
            .And.NotContain("Npgsql.", "Npgsql logs every SQL command at Information: a dozen lines per file");
    }
}
