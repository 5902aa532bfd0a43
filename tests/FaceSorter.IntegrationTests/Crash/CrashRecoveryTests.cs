using System.Security.Cryptography;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Data.Sqlite;

namespace FaceSorter.IntegrationTests.Crash;

/// <summary>
/// The published app, killed with SIGKILL at random moments while it sorts a few hundred files,
/// then restarted: every file must end in exactly one place with exactly one record.
/// </summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private const int Files = 300;
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(5));
    private ImmichEmulator _immich = null!;

    public async ValueTask InitializeAsync() => _immich = await ImmichEmulator.StartAsync("3.1.0", _timeout.Token);

    public async ValueTask DisposeAsync()
    {
        await _immich.DisposeAsync();
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Every_file_ends_in_exactly_one_place_with_one_record_after_repeated_kill_9()
    {
        var config = TestConfig.Write(_folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = _immich.Url;
            cfg["Immich"]!["ApiKey"] = _immich.ApiKey;
            cfg["PipelineCapacity"] = 16;
        });
        var inbox = _folder.Combine("data", "temp_downloads");
        var hashes = new Dictionary<string, int>(StringComparer.Ordinal);
        var random = new Random(20261125);
        var people = new[] { "Alice", "Bob", null, "" };
        for (var i = 0; i < Files; i++)
        {
            // Every tenth file repeats an earlier content: duplicates must stay one original.
            var content = TestImages.Jpeg(i % 10 == 9 ? i - 1 : i, 4096);
            var hash = Convert.ToHexStringLower(SHA256.HashData(content));
            hashes[hash] = hashes.GetValueOrDefault(hash) + 1;
            var person = people[random.Next(people.Length)];
            _immich.SetFaces(hash, person is null ? [] : [new EmulatedFace(person)]);
            TestImages.Write(i % 3 == 0 ? Path.Combine(inbox, "site") : inbox, $"img{i:D4}.jpg", content);
        }

        for (var round = 0; round < 5; round++)
        {
            using var daemon = await DaemonProcess.StartAsync(config, _timeout.Token);
            var sortedBefore = CountSorted();
            await Eventually.UntilAsync(() => CountSorted() > sortedBefore + random.Next(5, 40) || daemon.HasExited || InboxCount(inbox) == 0, TimeSpan.FromSeconds(60), "some progress before the kill", _timeout.Token);
            await daemon.KillAsync();
        }

        using (var last = await DaemonProcess.StartAsync(config, _timeout.Token))
        {
            await Eventually.UntilAsync(() => InboxCount(inbox) == 0, TimeSpan.FromSeconds(90), "the drop folder is empty: " + last.Output, _timeout.Token);
            (await last.TerminateAsync(_timeout.Token)).Should().Be(0, "SIGTERM stops cleanly");
        }

        var placed = Directory.EnumerateFiles(_folder.Combine("data", "faces"), "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(_folder.Combine("data", "review"), "*", SearchOption.AllDirectories))
            .ToList();
        placed.Should().HaveCount(Files, "every dropped file is in exactly one place, none lost, none doubled");
        placed.Should().NotContain(path => Path.GetFileName(path).StartsWith('.'), "no partial copies are left behind");
        var placedHashes = placed.GroupBy(path => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))).ToDictionary(g => g.Key, g => g.Count());
        placedHashes.Should().BeEquivalentTo(hashes);

        await using var connection = new SqliteConnection($"Data Source={_folder.Combine("data", "facesorter.db")}");
        await connection.OpenAsync(_timeout.Token);
        // Stored relative to the configured folders (docs/contracts.md, "Stored paths"): read back as the daemon does.
        var folders = StorePaths.For(new DirectoriesOptions { Inbox = _folder.Combine("data", "temp_downloads"), Faces = _folder.Combine("data", "faces"), Review = _folder.Combine("data", "review") });
        var recorded = (await QueryPathsAsync(connection, "SELECT file_path FROM downloads UNION ALL SELECT file_path FROM review_queue")).Select(folders.ToFull).ToList();
        recorded.Should().OnlyHaveUniqueItems("one record per file").And.BeEquivalentTo(placed, "every placed file has its record and every record its file");
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM move_journal WHERE state = 'moving'")).Should().Be(0, "no move is left unfinished");
        var originals = await ScalarAsync(connection, "SELECT COUNT(*) FROM downloads WHERE auto_sorted = 1") + await ScalarAsync(connection, "SELECT COUNT(*) FROM review_queue WHERE category <> 'duplicates'");
        originals.Should().Be(hashes.Count, "each content has exactly one original");
    }

    private int CountSorted() =>
        Directory.Exists(_folder.Combine("data", "review"))
            ? Directory.EnumerateFiles(_folder.Combine("data", "faces"), "*", SearchOption.AllDirectories).Count()
              + Directory.EnumerateFiles(_folder.Combine("data", "review"), "*", SearchOption.AllDirectories).Count()
            : 0;

    private static int InboxCount(string inbox) => Directory.EnumerateFiles(inbox, "*", SearchOption.AllDirectories).Count();

    private async Task<List<string>> QueryPathsAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(_timeout.Token);
        var paths = new List<string>();
        while (await reader.ReadAsync(_timeout.Token))
        {
            paths.Add(reader.GetString(0));
        }

        return paths;
    }

    private async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(_timeout.Token))!;
    }
}
