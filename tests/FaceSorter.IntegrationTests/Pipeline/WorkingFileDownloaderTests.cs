using System.Diagnostics;
using System.Security.Cryptography;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Settling;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// Real downloaders (Debian's gallery-dl, yt-dlp and aria2c) writing working files and sidecars into
/// the watched drop folder, against a local HTTP server: their working files are never touched, and
/// sidecars end beside their file.
/// </summary>
public sealed class WorkingFileDownloaderTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly byte[] _picture = TestImages.Jpeg(4343, 400_000);
    private ImmichEmulator _immich = null!;
    private DownloadServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _immich = await ImmichEmulator.StartAsync("3.1.0", _timeout.Token);
        _immich.SetFaces(Convert.ToHexStringLower(SHA256.HashData(_picture)), EmulatedFace.Named("Alice"));
        _server = await DownloadServer.StartAsync(_picture, _timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _immich.DisposeAsync();
        _timeout.Dispose();
        _folder.Dispose();
    }

    private Task<TestDaemon> StartDaemonAsync() => TestDaemon.StartAsync(_folder.Path, cfg =>
    {
        cfg["Immich"]!["Url"] = _immich.Url;
        cfg["Immich"]!["ApiKey"] = _immich.ApiKey;
    }, _timeout.Token);

    [Fact]
    public async Task Gallery_dl_with_write_metadata_leaves_the_picture_and_its_json_together()
    {
        await using var daemon = await StartDaemonAsync();
        var gallery = Path.Combine(daemon.Inbox, "gallery");

        var run = await RunAsync("gallery-dl", "--write-metadata", "-D", gallery, _server.BaseUrl + "/photo.jpg");
        run.ExitCode.Should().Be(0, run.Output);

        // gallery-dl 1.25 names the file <host>_<port>__photo.jpg and its metadata <that name>.json.
        var alice = Path.Combine(daemon.Faces, "alice");
        await Eventually.UntilAsync(async () => (await daemon.Store.ListCompanionsAsync(null, _timeout.Token)).Count == 1, Deadline, "the .json moved and recorded", _timeout.Token);
        var picture = Directory.GetFiles(alice, "*photo.jpg").Should().ContainSingle().Subject;
        File.Exists(picture + ".json").Should().BeTrue("the metadata lies beside its picture under the same name");
        (await File.ReadAllBytesAsync(picture, _timeout.Token)).Should().Equal(_picture);
        Directory.GetFiles(daemon.Inbox, "*", SearchOption.AllDirectories).Should().BeEmpty();
        (await daemon.Store.ListReviewAsync(null, null, _timeout.Token)).Should().BeEmpty("the .json is no review item");
    }

    [Fact]
    public async Task Yt_dlp_on_a_slow_hls_stream_keeps_its_working_files_and_its_video_ends_in_one_place()
    {
        await using var daemon = await StartDaemonAsync();
        var start = new ProcessStartInfo("yt-dlp") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "--no-cache-dir", "--write-info-json", "-o", Path.Combine(daemon.Inbox, "clip.%(ext)s"), _server.BaseUrl + "/clip.m3u8" })
        {
            start.ArgumentList.Add(argument);
        }

        using var download = Process.Start(start) ?? throw new InvalidOperationException("yt-dlp did not start");
        var stdout = download.StandardOutput.ReadToEndAsync(_timeout.Token);
        var stderr = download.StandardError.ReadToEndAsync(_timeout.Token);
        var workingSeen = new HashSet<string>(StringComparer.Ordinal);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!download.HasExited)
        {
            foreach (var file in Directory.GetFiles(daemon.Inbox))
            {
                if (DownloadNames.IsTemporary(Path.GetFileName(file)))
                {
                    workingSeen.Add(Path.GetFileName(file));
                }
            }

            MovedWorkingFiles(daemon).Should().BeEmpty("yt-dlp is still writing them");
            await poll.WaitForNextTickAsync(_timeout.Token);
        }

        await download.WaitForExitAsync(_timeout.Token);
        download.ExitCode.Should().Be(0, await stdout + await stderr);
        workingSeen.Should().Contain(["clip.mp4.ytdl", "clip.mp4.part"], "the download was slow enough to be seen in progress");

        // The finished clip leaves the drop folder once (a video: wherever the types say), and its
        // info.json, written before the download began, travels with it.
        await Eventually.UntilAsync(async () => (await daemon.Store.ListCompanionsAsync(null, _timeout.Token)).Count == 1, Deadline, "clip.info.json followed the clip", _timeout.Token);
        var everywhere = Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories).Where(path => Path.GetFileName(path).Contains("clip", StringComparison.Ordinal)).ToList();
        var clip = everywhere.Should().ContainSingle(path => path.EndsWith("clip.mp4", StringComparison.Ordinal)).Subject;
        everywhere.Should().ContainSingle(path => path.EndsWith("clip.info.json", StringComparison.Ordinal)).Which.Should().Be(clip[..^".mp4".Length] + ".info.json");
        MovedWorkingFiles(daemon).Should().BeEmpty();
        Directory.GetFiles(daemon.Inbox).Should().BeEmpty("yt-dlp removed its own working files");
    }

    [Fact]
    public async Task Aria2c_with_preallocation_is_not_taken_while_its_control_file_exists()
    {
        await using var daemon = await StartDaemonAsync();
        var target = Path.Combine(daemon.Inbox, "stalled.jpg");
        var start = new ProcessStartInfo("aria2c") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-q", "--file-allocation=prealloc", "--no-file-allocation-limit=0", "--allow-overwrite=true", "-d", daemon.Inbox, "-o", "stalled.jpg", _server.BaseUrl + "/stalled.jpg" })
        {
            start.ArgumentList.Add(argument);
        }

        // aria2c allocates nothing for files below --no-file-allocation-limit (5M by default): 0 makes this
        // small picture preallocated at full size too, as a large one would be.
        using var download = Process.Start(start) ?? throw new InvalidOperationException("aria2c did not start");
        var sawPreallocatedWithControlFile = false;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!download.HasExited)
        {
            if (File.Exists(target + ".aria2") && new FileInfo(target) is { Exists: true } data && data.Length == _picture.Length)
            {
                sawPreallocatedWithControlFile = true;
            }

            SortedFiles(daemon).Should().BeEmpty("aria2c is still writing");
            await poll.WaitForNextTickAsync(_timeout.Token);
        }

        download.ExitCode.Should().Be(0);
        sawPreallocatedWithControlFile.Should().BeTrue("the data file had its full size while the control file existed");
        var sorted = Path.Combine(daemon.Faces, "alice", "stalled.jpg");
        await Eventually.UntilAsync(() => File.Exists(sorted), Deadline, "sorted after aria2c finished", _timeout.Token);
        (await File.ReadAllBytesAsync(sorted, _timeout.Token)).Should().Equal(_picture, "the complete file was taken");
        _immich.Uploads.Should().ContainSingle();
    }

    private static IEnumerable<string> SortedFiles(TestDaemon daemon) =>
        new[] { daemon.Review, daemon.Faces }.Where(Directory.Exists).SelectMany(root => Directory.GetFiles(root, "*", SearchOption.AllDirectories));

    private static List<string> MovedWorkingFiles(TestDaemon daemon) =>
        SortedFiles(daemon)
            .Where(path => path.Contains(".ytdl", StringComparison.Ordinal) || path.Contains(".part", StringComparison.Ordinal) || path.Contains("-Frag", StringComparison.Ordinal))
            .ToList();

    private async Task<(int ExitCode, string Output)> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException(tool + " did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(_timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(_timeout.Token);
        await process.WaitForExitAsync(_timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
