using System.Diagnostics;
using System.Globalization;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Storage;

namespace FaceSorter.Benchmarks;

/// <summary>
/// Issue 3's pipeline figures, on the real in-process daemon (real watcher, SQLite file, moves) with
/// an emulated Immich (v3.1.0) that answers at once:
/// <list type="bullet">
/// <item><c>throughput [files] [kb] [settle] [concurrency]</c>: files dropped at once, from the first file
/// written to the last record (goal ≥ 2,000 files/s for 10,000 files of 200 KB);</item>
/// <item><c>latency [runs] [settle]</c>: one file on an idle daemon, closed → recorded (goal ≤ SettleTime + 100 ms).</item>
/// </list>
/// </summary>
internal static class PipelineBenchmark
{
    public static async Task ThroughputAsync(string[] args)
    {
        var files = Arg(args, 0, 10_000);
        var kilobytes = Arg(args, 1, 200);
        var settle = TimeSpan.FromMilliseconds(Arg(args, 2, 500));
        var concurrency = Arg(args, 3, 8);
        using var folder = new TempFolder();
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", CancellationToken.None);
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Alice"));
        await using var daemon = await TestDaemon.StartAsync(folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = immich.Url;
            cfg["Immich"]!["ApiKey"] = immich.ApiKey;
            cfg["Immich"]!["MaxConcurrentRequests"] = concurrency;
            cfg["SettleTime"] = settle.ToString("c", CultureInfo.InvariantCulture);
        }, CancellationToken.None);

        // Written beside the drop folder first, then renamed in: "dropped at once", so the figure is
        // the pipeline's and not the disk's write speed.
        var staging = Path.Combine(folder.Path, "staging");
        Directory.CreateDirectory(staging);
        for (var i = 0; i < files; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(staging, $"img{i:D5}.jpg"), TestImages.Jpeg(i, kilobytes * 1024));
        }

        var total = Stopwatch.StartNew();
        for (var i = 0; i < files; i++)
        {
            File.Move(Path.Combine(staging, $"img{i:D5}.jpg"), Path.Combine(daemon.Inbox, $"img{i:D5}.jpg"));
        }

        var written = total.Elapsed;
        TimeSpan? firstRecord = null;
        while (true)
        {
            var stats = await daemon.Store.GetStatsAsync(1, TimeProvider.System.GetUtcNow().AddMinutes(1), CancellationToken.None);
            var done = stats.AutoSorted + stats.InReview;
            if (done > 0 && firstRecord is null)
            {
                firstRecord = total.Elapsed;
            }

            if (done >= files)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        var elapsed = total.Elapsed;
        Console.WriteLine($"pipeline throughput: {files} files of {kilobytes} KB, SettleTime {settle.TotalMilliseconds} ms, {concurrency} concurrent Immich requests, instant emulated Immich");
        Console.WriteLine($"  moving the files in took {written.TotalSeconds:0.00} s; first record at {firstRecord!.Value.TotalSeconds:0.00} s; last record at {elapsed.TotalSeconds:0.00} s");
        Console.WriteLine($"  end to end (first file dropped -> last record): {files / elapsed.TotalSeconds:0} files/s (goal >= 2000)");
        Console.WriteLine($"  sorting rate (first record -> last record): {(files - 1) / (elapsed - firstRecord.Value).TotalSeconds:0} files/s");
    }

    public static async Task LatencyAsync(string[] args)
    {
        var runs = Arg(args, 0, 20);
        var settle = TimeSpan.FromMilliseconds(Arg(args, 1, 2000));
        using var folder = new TempFolder();
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", CancellationToken.None);
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Alice"));
        await using var daemon = await TestDaemon.StartAsync(folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = immich.Url;
            cfg["Immich"]!["ApiKey"] = immich.ApiKey;
            cfg["SettleTime"] = settle.ToString("c", CultureInfo.InvariantCulture);
        }, CancellationToken.None);

        var latencies = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var path = Path.Combine(daemon.Inbox, $"single{run}.jpg");
            var stopwatch = new Stopwatch();
            await using (var stream = new FileStream(path, FileMode.CreateNew))
            {
                await stream.WriteAsync(TestImages.Jpeg(run, 200 * 1024));
                stopwatch.Start(); // closed at the end of this block: the download is finished
            }

            while ((await daemon.Store.GetStatsAsync(1, TimeProvider.System.GetUtcNow().AddMinutes(1), CancellationToken.None)).AutoSorted <= run)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(2));
            }

            latencies.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        latencies.Sort();
        Console.WriteLine($"single-file latency, closed -> recorded, {runs} runs, SettleTime {settle.TotalMilliseconds} ms, instant emulated Immich:");
        Console.WriteLine($"  min {latencies[0]:0} ms, median {latencies[runs / 2]:0} ms, max {latencies[^1]:0} ms; overhead over SettleTime: median {latencies[runs / 2] - settle.TotalMilliseconds:0} ms, max {latencies[^1] - settle.TotalMilliseconds:0} ms (goal <= 100 ms)");
    }

    private static int Arg(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
}
