using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FaceSorter.Immich;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// Issue 9 part 4: every legal Linux file name goes through the whole daemon (real watcher, SQLite,
/// emulated Immich, web API, CLI) and ends in its destination with the same bytes, plus the review
/// prefix; the records, the JSON API and <c>review list --json</c> carry the name exactly.
/// </summary>
public sealed class HostileNameTests : EmulatedImmichTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(40);

    /// <summary>Each name once with a named face (faces/alice/) and once without (review/, <c>noface_</c>).</summary>
    public static readonly TheoryData<string, string> Names = new()
    {
        { "tab", "tab\there.jpg" },
        { "escape sequence", "esc\u001b[31mred\u001b[0m.jpg" },
        { "bell and delete", "bell\u0007del\u007f.jpg" },
        { "C1 next line", "nel\u0085x.jpg" },
        { "line separator", "ls\u2028ps\u2029.jpg" },
        { "right-to-left override", "evil\u202egpj.exe.jpg" },
        { "leading dash", "-rf.jpg" },
        { "double dash", "--help.jpg" },
        { "markup", "<img src=x onerror=alert(1)>&amp;.jpg" },
        { "backslash", "back\\slash\\n.jpg" },
        { "brackets (libvips options syntax)", "photo[shrink=2].jpg" },
        { "URL characters", "a%20b?c=d#e.jpg" },
        { "spaces", " leading and trailing .jpg" },
        { "NFC", "caf\u00e9.jpg" },
        { "NFD", "cafe\u0301.jpg" },
        { "255 bytes of two-byte UTF-8", "a" + new string('\u00e9', 125) + ".jpg" },
        { "255 bytes of four-byte UTF-8", "abc" + string.Concat(Enumerable.Repeat("\U0001F600", 62)) + ".jpg" },
        { "replacement character", "\ufffd.jpg" },
        { "newline", "line\nbreak.jpg" },
        { "carriage return", "carriage\rreturn.jpg" },
        { "double quotes", "say \"cheese\".jpg" },
    };

    [Fact]
    public async Task Every_hostile_name_is_sorted_intact_and_carried_exactly_by_records_json_and_cli()
    {
        await RunTableAsync([.. Names.Select(row => row.Data.Item2)]);
    }

    [Fact]
    public async Task A_name_that_is_not_valid_utf8_stays_in_the_drop_folder_untouched_with_a_reason()
    {
        await using var daemon = await TestDaemon.StartAsync(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
        }, Token);
        var content = TestImages.Jpeg(900);
        var staging = Path.Combine(Folder.Path, "staging.jpg");
        await File.WriteAllBytesAsync(staging, content, Token);
        Directory.CreateDirectory(daemon.Inbox);

        // .NET cannot make this name (a Latin-1 é, byte 0xE9): bash's $'…' can.
        (await BashAsync("mv -- \"$1\" \"$2\"/$'caf\\xe9.jpg'", staging, daemon.Inbox)).Should().Be(0);

        await Eventually.UntilAsync(async () => (await daemon.Store.GetHeldFilesAsync(Token)).Count == 1, Deadline, "held", Token);
        var held = (await daemon.Store.GetHeldFilesAsync(Token)).Single();
        held.Reason.Should().Contain("not valid UTF-8");

        // The daemon goes on sorting, and the file stays as it was, byte for byte, under its own name.
        Immich.SetFaces(Sha256(TestImages.Jpeg(901)), EmulatedFace.Named("Alice"));
        TestImages.Write(daemon.Inbox, "next.jpg", TestImages.Jpeg(901));
        await Eventually.UntilAsync(() => File.Exists(Path.Combine(daemon.Faces, "alice", "next.jpg")), Deadline, "the next file sorted", Token);
        (await BashAsync("cmp -s -- \"$1\" \"$2\"/$'caf\\xe9.jpg'", staging + ".copy", daemon.Inbox, content)).Should().Be(0);
        (await daemon.Store.GetHeldFilesAsync(Token)).Should().ContainSingle();
    }

    private async Task<int> BashAsync(string script, string first, string second, byte[]? writeFirst = null)
    {
        if (writeFirst is not null)
        {
            await File.WriteAllBytesAsync(first, writeFirst, Token);
        }

        var start = new ProcessStartInfo("bash") { ArgumentList = { "-c", script, "bash", first, second } };
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync(Token);
        return process.ExitCode;
    }

    private async Task RunTableAsync(IReadOnlyList<string> names)
    {
        await using var daemon = await TestDaemon.StartAsync(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
            cfg["Web"]!["Enabled"] = true;
            cfg["Web"]!["Urls"] = "http://127.0.0.1:0";
        }, Token);
        var expected = new List<(string Name, string Destination, byte[] Content)>();
        for (var i = 0; i < names.Count; i++)
        {
            foreach (var withFace in new[] { true, false })
            {
                var content = TestImages.Jpeg(700 + (2 * i) + (withFace ? 1 : 0));
                Immich.SetFaces(Sha256(content), withFace ? [EmulatedFace.Named("Alice")] : []);
                var folder = Path.Combine(daemon.Inbox, withFace ? "with_face" : "without_face");
                TestImages.Write(folder, names[i], content);
                expected.Add((names[i], withFace ? Path.Combine(daemon.Faces, "alice", names[i]) : Path.Combine(daemon.Review, "unidentified", "noface_" + names[i]), content));
            }
        }

        // A name that grows past NAME_MAX with its prefix is shortened; every other one is exact.
        var arrived = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, destination, content) in expected)
        {
            await Eventually.UntilAsync(() => (arrived[destination] = FindArrival(destination, content) ?? "") != "", Deadline, $"{Visible(name)} sorted to {Visible(destination)}", Token);
        }

        foreach (var (name, destination, content) in expected)
        {
            var onDisk = arrived[destination];
            (await File.ReadAllBytesAsync(onDisk, Token)).Should().Equal(content);
        }

        var downloads = await daemon.Store.ListDownloadsAsync(null, Token);
        var reviews = await daemon.ReviewRowsAsync(names.Count, Token);
        downloads.Select(row => row.FilePath).Should().BeEquivalentTo(expected.Where(e => e.Destination.StartsWith(daemon.Faces, StringComparison.Ordinal)).Select(e => arrived[e.Destination]));
        reviews.Select(row => row.FilePath).Should().BeEquivalentTo(expected.Where(e => e.Destination.StartsWith(daemon.Review, StringComparison.Ordinal)).Select(e => arrived[e.Destination]));
        Directory.EnumerateFiles(daemon.Inbox, "*", SearchOption.AllDirectories).Should().BeEmpty();
        (await daemon.Store.GetHeldFilesAsync(Token)).Should().BeEmpty();

        // The JSON API carries each name exactly.
        var address = daemon.Host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        using var queue = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/smart-download/review/queue?page=1&size=200", UriKind.Relative), Token));
        var items = queue.RootElement.GetProperty("items").EnumerateArray().ToList();
        items.Select(item => item.GetProperty("filename").GetString()).Should().BeEquivalentTo(reviews.Select(row => Path.GetFileName(row.FilePath)));
        foreach (var item in items)
        {
            using var original = await http.GetAsync(new Uri($"/api/smart-download/review/{item.GetProperty("id").GetInt64()}/file", UriKind.Relative), Token);
            original.IsSuccessStatusCode.Should().BeTrue("the original of {0} is served by id", Visible(item.GetProperty("filename").GetString()!));
        }

        // And so does `review list --json`.
        var cli = await CliRun.RunAsync(daemon.ConfigPath, Token, "review", "list", "--json");
        cli.ExitCode.Should().Be(0, cli.Stderr);
        var listed = JsonNode.Parse(cli.Stdout)!.AsArray();
        listed.Select(node => (string?)node!["file_path"]).Should().BeEquivalentTo(reviews.Select(row => row.FilePath));
        listed.Select(node => (string?)node!["filename"]).Should().BeEquivalentTo(reviews.Select(row => Path.GetFileName(row.FilePath)));

        // The table keeps one line per item: control characters are shown escaped, never raw.
        var table = await CliRun.RunAsync(daemon.ConfigPath, Token, "review", "list");
        table.ExitCode.Should().Be(0, table.Stderr);
        table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(reviews.Count + 1);
    }

    /// <summary>Where the file arrived: its exact name, or (a name too long with its prefix) a shortened name with the same start, extension and content.</summary>
    private static string? FindArrival(string destination, byte[] content)
    {
        var name = Path.GetFileName(destination);
        if (Encoding.UTF8.GetByteCount(name) <= 255)
        {
            return File.Exists(destination) ? destination : null;
        }

        var folder = Path.GetDirectoryName(destination)!;
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).FirstOrDefault(path => Encoding.UTF8.GetByteCount(Path.GetFileName(path)) <= 255 && path.EndsWith(Path.GetExtension(name), StringComparison.Ordinal)
                && Path.GetFileName(path).StartsWith(name[..20], StringComparison.Ordinal) && File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
            : null;
    }

    private static string Visible(string name) => JsonSerializer.Serialize(name);

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
