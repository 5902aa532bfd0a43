using System.Diagnostics;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.Benchmarks;

/// <summary>
/// Resident memory of the published daemon with 100,000 files waiting in the drop folder (issue 3
/// goal: ≤ 150 MB). Immich is unreachable, so every file waits: the pipeline holds what its bounded
/// channels hold and the monitor tracks the rest.
/// </summary>
internal static class MemoryBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        using var folder = new TempFolder();
        var config = TestConfig.Write(folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = "http://127.0.0.1:9"; // nothing listens: an outage, files wait
            cfg["RescanInterval"] = "00:00:05";
        });
        var inbox = folder.Combine("data", "temp_downloads");
        Directory.CreateDirectory(inbox);
        for (var i = 0; i < count; i++)
        {
            var bytes = TestImages.Jpeg(i, 512);
            await File.WriteAllBytesAsync(Path.Combine(inbox, $"img{i:D6}.jpg"), bytes);
        }

        using var daemon = await DaemonProcess.StartAsync(config, CancellationToken.None);
        var stopwatch = Stopwatch.StartNew();
        long peak = 0;
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var rss = ResidentBytes(daemon);
            peak = Math.Max(peak, rss);
            Console.WriteLine($"  t={stopwatch.Elapsed.TotalSeconds,5:0}s RSS={rss / 1_048_576.0,7:0.0} MB");
        }

        await daemon.TerminateAsync(CancellationToken.None);
        var left = Directory.GetFiles(inbox).Length;
        Console.WriteLine($"memory: {count} files waiting (Immich down), peak RSS {peak / 1_048_576.0:0.0} MB over 60 s (goal <= 150 MB); {left} files still in the drop folder after SIGTERM");
    }

    private static long ResidentBytes(DaemonProcess daemon)
    {
        var line = File.ReadLines($"/proc/{daemon.ProcessId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
