using System.Diagnostics;
using FaceSorter.Hashing;

namespace FaceSorter.Benchmarks;

/// <summary>
/// Hashing throughput as a ratio to <c>openssl dgst -sha256</c> over the same files in one run
/// (issue 3 goal: ≥ 0.9×). Both read warm files from the page cache; the best of three runs counts.
/// </summary>
internal static class HashingBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var files = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 8;
        var size = 128 * 1024 * 1024;
        var folder = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "facesorter-hash-bench");
        Directory.CreateDirectory(folder);
        var paths = Enumerable.Range(0, files).Select(i => Path.Combine(folder, $"f{i}.bin")).ToList();
        var buffer = new byte[size];
        foreach (var path in paths.Where(path => !File.Exists(path) || new FileInfo(path).Length != size))
        {
            Random.Shared.NextBytes(buffer);
            await File.WriteAllBytesAsync(path, buffer);
        }

        var totalMb = (double)files * size / 1_000_000;
        var openssl = Enumerable.Range(0, 3).Select(_ => TimeOpenSsl(paths)).Min();
        var hasher = new Hasher();
        var ours = TimeSpan.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            foreach (var path in paths)
            {
                var info = new FileInfo(path);
                _ = await hasher.HashAsync(path, info.Length, info.LastWriteTimeUtc, CancellationToken.None);
            }

            ours = TimeSpan.FromTicks(Math.Min(ours.Ticks, stopwatch.Elapsed.Ticks));
        }

        Console.WriteLine($"hashing: {files} files, {totalMb:0} MB");
        Console.WriteLine($"  openssl dgst -sha256: {openssl.TotalSeconds:0.000} s = {totalMb / openssl.TotalSeconds:0} MB/s");
        Console.WriteLine($"  FaceSorter Hasher:    {ours.TotalSeconds:0.000} s = {totalMb / ours.TotalSeconds:0} MB/s");
        Console.WriteLine($"  ratio (ours / openssl throughput): {openssl.TotalSeconds / ours.TotalSeconds:0.00}x (goal >= 0.90x)");
        Directory.Delete(folder, recursive: true);
    }

    private static TimeSpan TimeOpenSsl(IReadOnlyList<string> paths)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true };
        start.ArgumentList.Add("dgst");
        start.ArgumentList.Add("-sha256");
        foreach (var path in paths)
        {
            start.ArgumentList.Add(path);
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return stopwatch.Elapsed;
    }
}
