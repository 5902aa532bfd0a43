using System.Diagnostics;
using System.Security.Cryptography;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>Real downloaders writing into the drop folder: each file is sorted once, after it finished.</summary>
public sealed class RealDownloaderTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private ImmichEmulator _immich = null!;
    private DownloadServer _server = null!;
    private readonly byte[] _content = TestImages.Jpeg(4242, 1_500_000);

    private string SlowUrl => _server.BaseUrl + "/slow.jpg";

    public async ValueTask InitializeAsync()
    {
        _immich = await ImmichEmulator.StartAsync("3.1.0", _timeout.Token);
        _immich.SetFaces(Convert.ToHexStringLower(SHA256.HashData(_content)), EmulatedFace.Named("Alice"));
        _server = await DownloadServer.StartAsync(_content, _timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _immich.DisposeAsync();
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Theory]
    [InlineData("curl")]
    [InlineData("wget")]
    [InlineData("aria2c")]
    public async Task A_rate_limited_download_is_sorted_once_after_it_finished(string downloader)
    {
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = _immich.Url;
            cfg["Immich"]!["ApiKey"] = _immich.ApiKey;
        }, _timeout.Token);
        var target = Path.Combine(daemon.Inbox, "web", "photo.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);

        using var download = Process.Start(Command(downloader, target)) ?? throw new InvalidOperationException(downloader + " did not start");
        var sawPartialFile = false;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!download.HasExited)
        {
            // While the downloader runs, whatever it has written stays where it is.
            var onDisk = new FileInfo(target);
            if (onDisk.Exists && onDisk.Length < _content.Length)
            {
                sawPartialFile = true;
            }

            Directory.Exists(Path.Combine(daemon.Faces, "alice")).Should().BeFalse($"{downloader} is still writing");
            await poll.WaitForNextTickAsync(_timeout.Token);
        }

        await download.WaitForExitAsync(_timeout.Token);
        download.ExitCode.Should().Be(0, $"{downloader} {await download.StandardError.ReadToEndAsync(_timeout.Token)}");
        sawPartialFile.Should().BeTrue("the download was slow enough to be seen in progress");

        var sorted = Path.Combine(daemon.Faces, "alice", "photo.jpg");
        await daemon.UntilSortedAsync(sorted, "sorted after the download finished", _timeout.Token);
        (await File.ReadAllBytesAsync(sorted, _timeout.Token)).Should().Equal(_content, "the complete file was sorted");
        _immich.Uploads.Should().ContainSingle("sorted exactly once");
        (await daemon.Store.ListReviewAsync(null, null, _timeout.Token)).Should().BeEmpty();
    }

    private ProcessStartInfo Command(string downloader, string target)
    {
        var start = new ProcessStartInfo(downloader) { RedirectStandardError = true, RedirectStandardOutput = true };
        string[] arguments = downloader switch
        {
            "curl" => ["-sS", "--limit-rate", "400k", "-o", target, SlowUrl],
            "wget" => ["-q", "--limit-rate=400k", "-O", target, SlowUrl],
            _ => ["-q", "--max-download-limit=400K", "--allow-overwrite=true", "-d", Path.GetDirectoryName(target)!, "-o", Path.GetFileName(target), SlowUrl],
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
