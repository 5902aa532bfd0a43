using System.Diagnostics;
using System.Globalization;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.Benchmarks;

/// <summary>
/// Resident memory of the published daemon with a backlog waiting in the drop folder while Immich is
/// unreachable (issue 13 goal 3: peak RSS ≤ 100 MB at 100,000 and at 1,000,000 files, flat as the backlog
/// grows; the first routed file ≤ 1 s after start). <c>memory [count ...] [--seconds N]</c>, default
/// 100,000 and 1,000,000 for 60 s each. One file in 100 is not an image (a <c>.jpg</c> name with text in
/// it): rule 0 routes it to review without Immich, which gives "the first routed file"; every other file
/// is a distinct tiny JPEG-looking file that waits for Immich. The files are written flat into the drop
/// folder before the daemon starts (check <c>df -h /tmp</c>: 1,000,000 files take about 4 GB of blocks).
/// <c>memory --pictures N [--seconds S]</c> drops N distinct camera-sized JPEGs (4000×3000, about 3 MB
/// each) instead: each is decoded once (fingerprint and review thumbnail) and then waits for Immich, so
/// the figure is what decoding real pictures leaves resident, at its peak and once the daemon is idle.
/// The daemon runs with the environment the shipped service unit gives it (the <c>Environment=</c> lines
/// of <c>etc/facesorter.service</c>, which the container image sets too); <c>--bare</c> runs it without.
/// </summary>
internal static class MemoryBenchmark
{
    private const int RoutableEvery = 100;
    private const double GoalMegabytes = 100;

    public static async Task RunAsync(string[] args)
    {
        var seconds = 60;
        var counts = new List<int>();
        int? pictures = null;
        var bare = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--bare")
            {
                bare = true;
            }
            else if (args[i] == "--seconds")
            {
                seconds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--pictures")
            {
                pictures = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else
            {
                counts.Add(int.Parse(args[i], CultureInfo.InvariantCulture));
            }
        }

        var environment = bare ? [] : UnitEnvironment();
        foreach (var (name, value) in environment)
        {
            Environment.SetEnvironmentVariable(name, value); // the daemon inherits it
        }

        Console.WriteLine(environment.Count == 0
            ? "memory: the daemon runs without the service unit's environment (--bare)"
            : $"memory: the daemon runs with the service unit's environment: {string.Join(' ', environment.Select(pair => $"{pair.Name}={pair.Value}"))} (--bare: without)");
        var results = new List<string>();
        if (pictures is { } pictureCount)
        {
            Console.WriteLine(await RunOnceAsync(pictureCount, TimeSpan.FromSeconds(seconds), CameraPictures(pictureCount)));
            return;
        }

        foreach (var count in counts.DefaultIfEmpty(100_000).Concat(counts.Count == 0 ? [1_000_000] : []))
        {
            results.Add(await RunOnceAsync(count, TimeSpan.FromSeconds(seconds), TinyFiles(count)));
        }

        Console.WriteLine();
        foreach (var result in results)
        {
            Console.WriteLine(result);
        }
    }

    private sealed record Backlog(string Kind, Func<string, int> Write);

    private static Backlog TinyFiles(int count) => new("files", inbox => WriteBacklog(inbox, count));

    private static Backlog CameraPictures(int count) => new("camera-sized pictures", inbox =>
    {
        // One smooth noise picture (about 3 MB at quality 90, as a phone's photo), made distinct per
        // file by its index after the JPEG's end, which decoders ignore.
        using var noise = NetVips.Image.Gaussnoise(4000, 3000, mean: 128, sigma: 60);
        using var smooth = noise.Gaussblur(1.5);
        using var colour = smooth.Bandjoin(smooth * 0.8 + 20, smooth * 1.1 - 10).Cast(NetVips.Enums.BandFormat.Uchar);
        var jpeg = colour.JpegsaveBuffer(q: 90);
        for (var i = 0; i < count; i++)
        {
            File.WriteAllBytes(Path.Combine(inbox, $"img{i:D7}.jpg"), [.. jpeg, .. BitConverter.GetBytes(i)]);
        }

        Console.WriteLine($"memory: each picture {jpeg.Length / 1_048_576.0:0.0} MB");
        return 0;
    });

    private static async Task<string> RunOnceAsync(int count, TimeSpan duration, Backlog backlog)
    {
        using var folder = new TempFolder();
        var config = TestConfig.Write(folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = "http://127.0.0.1:9"; // nothing listens: an outage, files wait
            cfg["RescanInterval"] = "00:00:05";
        });
        var inbox = folder.Combine("data", "temp_downloads");
        var review = folder.Combine("data", "review");
        Directory.CreateDirectory(inbox);
        var writing = Stopwatch.StartNew();
        var routable = backlog.Write(inbox);
        Console.WriteLine($"memory: wrote {count} {backlog.Kind} ({routable} not images) in {writing.Elapsed.TotalSeconds:0.0} s; daemon runs {duration.TotalSeconds:0} s with Immich unreachable, SettleTime 0.3 s, RescanInterval 5 s");

        using var daemon = await DaemonProcess.StartAsync(config, CancellationToken.None);
        var stopwatch = Stopwatch.StartNew();
        TimeSpan? firstRouted = null;
        TimeSpan? watching = null; // the daemon's "Watching … for finished downloads": start-up done
        long peak = 0;
        long last = 0;
        var nextReport = TimeSpan.FromSeconds(5);
        while (stopwatch.Elapsed < duration && !daemon.HasExited)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10));
            last = ResidentBytes(daemon);
            peak = Math.Max(peak, last);
            if (watching is null && daemon.Output.Contains("for finished downloads", StringComparison.Ordinal))
            {
                watching = stopwatch.Elapsed;
            }

            if (firstRouted is null && Directory.Exists(review) && Directory.EnumerateFiles(review, "*", SearchOption.AllDirectories).Any())
            {
                firstRouted = stopwatch.Elapsed;
                Console.WriteLine($"  first routed file at {firstRouted.Value.TotalMilliseconds:0} ms after start");
            }

            if (stopwatch.Elapsed >= nextReport)
            {
                Console.WriteLine($"  t={stopwatch.Elapsed.TotalSeconds,5:0}s RSS={last / 1_048_576.0,7:0.0} MB (peak {peak / 1_048_576.0:0.0} MB)");
                nextReport += TimeSpan.FromSeconds(5);
            }
        }

        if (daemon.HasExited)
        {
            Console.WriteLine(daemon.Output);
            throw new InvalidOperationException($"the daemon exited with {daemon.ExitCode}");
        }

        await daemon.TerminateAsync(CancellationToken.None);
        var left = Directory.EnumerateFiles(inbox).Count();
        var first = firstRouted is { } at ? $"{at.TotalMilliseconds:0} ms" : "none";
        var afterWatching = firstRouted is { } routed && watching is { } ready ? $"{(routed - ready).TotalMilliseconds:0} ms" : "n/a";
        var verdict = peak / 1_048_576.0 <= GoalMegabytes ? "met" : "NOT met";
        return $"memory: {count,9} {backlog.Kind} waiting (Immich down): peak RSS {peak / 1_048_576.0:0.0} MB, at the end {last / 1_048_576.0:0.0} MB (goal <= {GoalMegabytes:0} MB: {verdict}); "
            + $"first routed file {first} after start, {afterWatching} after the daemon said it was watching (goal <= 1000 ms); {left} files still in the drop folder after SIGTERM";
    }

    /// <summary>Writes <paramref name="count"/> tiny files on all cores; returns how many are not images.</summary>
    private static int WriteBacklog(string inbox, int count)
    {
        var text = "not a picture\n"u8.ToArray();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, () => new byte[64], (i, _, jpeg) =>
        {
            var path = Path.Combine(inbox, $"img{i:D7}.jpg");
            if (i % RoutableEvery == RoutableEvery / 2)
            {
                File.WriteAllBytes(path, text);
                return jpeg;
            }

            jpeg[0] = 0xFF;
            jpeg[1] = 0xD8;
            jpeg[2] = 0xFF;
            jpeg[3] = 0xE0;
            BitConverter.TryWriteBytes(jpeg.AsSpan(4), i); // distinct content: no file is a duplicate
            File.WriteAllBytes(path, jpeg);
            return jpeg;
        }, _ => { });
        return (count + RoutableEvery / 2) / RoutableEvery;
    }

    /// <summary>The <c>Environment=NAME=VALUE</c> lines of <c>etc/facesorter.service</c>.</summary>
    private static List<(string Name, string Value)> UnitEnvironment() =>
        File.ReadLines(Path.Combine(PublishedApp.RepositoryRoot(), "etc", "facesorter.service"))
            .Where(line => line.StartsWith("Environment=", StringComparison.Ordinal))
            .Select(line => line["Environment=".Length..].Split('=', 2))
            .Select(pair => (pair[0], pair[1]))
            .ToList();

    private static long ResidentBytes(DaemonProcess daemon)
    {
        var line = File.ReadLines($"/proc/{daemon.ProcessId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
