using System.Security.Cryptography;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Cli;

/// <summary>
/// What the published daemon loads (docs/operations.md, "Runtime settings"): a daemon on the embedded
/// SQLite store that sorted a file through Immich has mapped neither Npgsql nor the assemblies that
/// generate code at run time. Each mapped assembly is resident memory on a home server, and these did no work of its own.
/// </summary>
public sealed class PublishedRuntimeTests : EmulatedImmichTest
{
    public PublishedRuntimeTests()
        : base(TimeSpan.FromMinutes(3), immichVersion: "2.7.5")
    {
    }

    [Fact]
    public async Task A_daemon_on_sqlite_that_sorted_a_file_maps_no_npgsql_and_no_code_generation()
    {
        var config = TestConfig.Write(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
        });
        var content = TestImages.Jpeg(912);
        Immich.SetFaces(Convert.ToHexStringLower(SHA256.HashData(content)), EmulatedFace.WithoutPerson());
        using var daemon = await DaemonProcess.StartAsync(config, Token);
        await Eventually.UntilAsync(() => daemon.Output.Contains("FaceSorter is running", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the start-up summary", Token);

        TestImages.Write(Path.Combine(Folder.Path, "data", "temp_downloads"), "someone.jpg", content);
        await Eventually.UntilAsync(() => daemon.Output.Contains("someone.jpg -> ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the sorted line", Token);

        var mapped = (await File.ReadAllLinesAsync($"/proc/{daemon.ProcessId}/maps", Token))
            .Select(line => Path.GetFileName(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(5) ?? ""))
            .Where(name => name.EndsWith(".dll", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        (await daemon.TerminateAsync(Token)).Should().Be(0);

        mapped.Should().Contain("FaceSorter.Core.dll", "the maps were read from the daemon itself");
        mapped.Should().NotContain("Npgsql.dll", "only the PostgreSQL store needs it; the options' connection-string check named Npgsql's builder in a method every store runs");
        mapped.Should().NotContain(["System.Linq.Expressions.dll", "System.Reflection.Emit.dll", "System.Reflection.Emit.Lightweight.dll", "System.Reflection.Emit.ILGeneration.dll"],
            "no code is generated at run time; Immich's answers and the move journal were read by reflection, which emitted accessors for every type");
    }
}
