using System.Security.Cryptography;
using FaceSorter.IntegrationTests.Support;
using Microsoft.Data.Sqlite;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// The shipped setup: the published daemon runs as its own user (here <c>nobody</c>), so its
/// <c>/proc/*/fd</c> scan cannot see the downloader, which runs as another user (here the test
/// process, root). A download that stalls mid-way must still not be taken before its writer closes it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // setpriv and file modes; StartAsNobodyAsync fails elsewhere, saying so
public sealed class WriterOfAnotherUserTests : EmulatedImmichTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public WriterOfAnotherUserTests()
        : base(TimeSpan.FromMinutes(4))
    {
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>The published daemon as <c>nobody</c>, against the emulated Immich, with <paramref name="configure"/>'s changes.</summary>
    private async Task<DaemonProcess> StartAsNobodyAsync(Action<System.Text.Json.Nodes.JsonObject> configure)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("runs the daemon as another user with setpriv (Linux)");
        }

        File.SetUnixFileMode(Folder.Path, (UnixFileMode)0x1FF); // rwxrwxrwx: the daemon's user creates its data here
        var config = TestConfig.Write(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
            configure(cfg);
        });
        return await DaemonProcess.StartAsUserAsync(config, "nobody", "nogroup", Token);
    }

    [Fact]
    public async Task A_download_by_another_user_that_stalls_four_seconds_is_taken_only_once_closed_and_sorted_with_its_full_hash()
    {
        using var daemon = await StartAsNobodyAsync(cfg =>
        {
            cfg["SettleTime"] = "00:00:02"; // the shipped default: shorter than the stall
            cfg["BlindSettleTime"] = "00:00:02"; // no longer quiet period either: only inotify's close-after-write holds the file
        });
        await Eventually.UntilAsync(() => daemon.Output.Contains("cannot see other users' processes", StringComparison.Ordinal) || daemon.HasExited, Deadline, "the start-up line about the writer check", Token);
        daemon.HasExited.Should().BeFalse(daemon.Output);
        var inbox = Path.Combine(Folder.Path, "data", "temp_downloads");
        await Eventually.UntilAsync(() => daemon.Output.Contains("for finished downloads", StringComparison.Ordinal), Deadline, "the drop folder watched (the review watcher also says \"Watching\", earlier)", Token);

        var full = TestImages.Jpeg(11, size: 256 * 1024);
        Immich.SetFaces(Sha256(full), EmulatedFace.Named("Alice Smith"));
        var download = Path.Combine(inbox, "stalled.jpg");
        await using (var writer = new FileStream(download, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite))
        {
            await writer.WriteAsync(full.AsMemory(0, full.Length / 2), Token);
            await writer.FlushAsync(Token);

            // The writer (root) stalls for 4 s with the file open, twice the daemon's SettleTime.
            await Eventually.HoldsForAsync(() => File.Exists(download), TimeSpan.FromSeconds(4), "a file still open for writing is not taken", Token);

            await writer.WriteAsync(full.AsMemory(full.Length / 2), Token);
        }

        var sorted = Path.Combine(Folder.Path, "data", "faces", "alice_smith", "stalled.jpg");
        await Eventually.UntilAsync(() => File.Exists(sorted), Deadline, "sorted once closed: " + daemon.Output, Token);
        (await File.ReadAllBytesAsync(sorted, Token)).Should().Equal(full);
        daemon.Output.Should().NotContain("noface_");
        daemon.Output.Should().Contain("FaceSorter:Immich:ApiKey and is readable by every user", "the test config is mode 0644 and holds a key");
        await daemon.TerminateAsync(Token);

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Folder.Path, "data", "facesorter.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT file_hash FROM downloads";
        (await command.ExecuteScalarAsync(Token)).Should().Be(Sha256(full));
    }

    [Fact]
    public async Task A_download_the_daemons_user_may_not_read_is_held_with_whose_permission_and_the_fix_then_sorted_once_readable()
    {
        using var daemon = await StartAsNobodyAsync(_ => { });
        await Eventually.UntilAsync(() => daemon.Output.Contains("for finished downloads", StringComparison.Ordinal) || daemon.HasExited, Deadline, "the drop folder watched", Token);
        daemon.HasExited.Should().BeFalse(daemon.Output);

        // Written by root with mode 0600, as a program with umask 077 leaves its downloads.
        var content = TestImages.Jpeg(12);
        Immich.SetFaces(Sha256(content), EmulatedFace.Named("Alice Smith"));
        var staged = Path.Combine(Folder.Path, "private.jpg");
        await File.WriteAllBytesAsync(staged, content, Token);
        File.SetUnixFileMode(staged, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var download = Path.Combine(Folder.Path, "data", "temp_downloads", "private.jpg");
        File.Move(staged, download);

        // It was .NET's "Access to the path … is denied" at Error, without whose permission or what to do (helper-66's trial).
        await Eventually.UntilAsync(() => daemon.Output.Contains("private.jpg stays in the drop folder: FaceSorter (running as user 'nobody') may not read it (mode 0600)", StringComparison.Ordinal), Deadline, "the reason: " + daemon.Output, Token);
        daemon.Output.Should().Contain("WRN").And.Contain("chmod g+r").And.NotContain("ERR ").And.NotContain("Access to the path");

        File.SetUnixFileMode(download, (UnixFileMode)0x1A4); // 0644
        File.SetLastWriteTimeUtc(download, TimeProvider.System.GetUtcNow().UtcDateTime); // "when it changes"

        var sorted = Path.Combine(Folder.Path, "data", "faces", "alice_smith", "private.jpg");
        await Eventually.UntilAsync(() => File.Exists(sorted), Deadline, "sorted once readable: " + daemon.Output, Token);
        await daemon.TerminateAsync(Token);
    }
}
