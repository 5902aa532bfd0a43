using System.Diagnostics;
using System.Globalization;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.Benchmarks;

/// <summary>
/// Issue 13 goal 2, measured from outside: <c>burst [files] [kb] [settle-ms] [rounds] [script 1|0]</c> renames
/// <c>files</c> exact duplicates (default 10,000 of 100 KB) of one already sorted image into the drop
/// folder at once and times first rename → last file in <c>review/duplicates/</c> (SettleTime, 1 s by
/// default, included). Each round runs the published daemon (<see cref="DaemonProcess"/>, an emulated
/// Immich for the one original) and then <c>polling_sorter.py</c>, a plain polling script following the
/// same contract, on the same input, and prints files/s for each and their ratio
/// (goal ≥ 5,000 files/s and ≥ 8× the script), and the daemon's CPU time per file (user + system, all
/// threads, from the drop to the last file routed): on a shared machine files/s follows the load, the
/// CPU time much less. <c>script 0</c> leaves the script out (profiling a change).
/// </summary>
internal static class BurstBenchmark
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    public static async Task RunAsync(string[] args)
    {
        var files = Arg(args, 0, 10_000);
        var kilobytes = Arg(args, 1, 100);
        var settle = TimeSpan.FromMilliseconds(Arg(args, 2, 1000));
        var rounds = Arg(args, 3, 2);
        var withScript = Arg(args, 4, 1) != 0;
        var content = TestImages.Jpeg(13, kilobytes * 1024);
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", CancellationToken.None);
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Alice"));
        Console.WriteLine($"burst: {files} exact duplicates of {kilobytes} KB renamed in at once, first rename -> last in review/duplicates, SettleTime {settle.TotalMilliseconds:0} ms included");
        var daemonRates = new List<double>();
        var scriptRates = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var (daemon, cpu) = await RunDaemonAsync(files, content, settle, immich);
            daemonRates.Add(daemon);
            var perFile = cpu.TotalMilliseconds * 1000 / files;
            if (!withScript)
            {
                Console.WriteLine($"  round {round}: FaceSorter {daemon:0} files/s, CPU {perFile:0} µs per file");
                continue;
            }

            var script = await RunScriptAsync(files, content, settle);
            scriptRates.Add(script);
            Console.WriteLine($"  round {round}: FaceSorter {daemon:0} files/s (CPU {perFile:0} µs per file), polling script {script:0} files/s, ratio {daemon / script:0.0}x");
        }

        if (!withScript)
        {
            return;
        }

        Console.WriteLine($"FaceSorter {string.Join(" / ", daemonRates.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))} files/s (goal >= 5000); "
            + $"polling script {string.Join(" / ", scriptRates.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))} files/s; "
            + $"ratio {string.Join(" / ", daemonRates.Zip(scriptRates, (d, s) => (d / s).ToString("0.0", CultureInfo.InvariantCulture)))}x (goal >= 8x)");
    }

    /// <returns>Files per second, and the daemon's CPU time from the drop to the last file routed.</returns>
    private static async Task<(double Rate, TimeSpan Cpu)> RunDaemonAsync(int files, byte[] content, TimeSpan settle, ImmichEmulator immich)
    {
        using var folder = new TempFolder();
        var config = TestConfig.Write(folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = immich.Url;
            cfg["Immich"]!["ApiKey"] = immich.ApiKey;
            cfg["SettleTime"] = settle.ToString("c", CultureInfo.InvariantCulture);
        });
        var log = await ProfileLog.ConfigureAsync(config);

        var data = folder.Combine("data");
        var staging = Stage(folder.Combine("staging"), files, content);
        using var daemon = await DaemonProcess.StartAsync(config, CancellationToken.None);
        await UntilAsync(() => daemon.Output.Contains("for finished downloads", StringComparison.Ordinal), "the daemon is watching: " + daemon.Output);
        using var process = Process.GetProcessById(daemon.ProcessId);
        var cpuBefore = process.TotalProcessorTime;
        var elapsed = await DropAsync(data, staging, files, content);
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        await daemon.TerminateAsync(CancellationToken.None);
        if (log is not null)
        {
            await File.WriteAllTextAsync(log, $"dropped at {TimeProvider.System.GetLocalNow() - elapsed:HH:mm:ss.fff}, done after {elapsed.TotalSeconds:0.000} s\n" + daemon.Output);
        }

        return (files / elapsed.TotalSeconds, cpu);
    }

    private static async Task<double> RunScriptAsync(int files, byte[] content, TimeSpan settle)
    {
        using var folder = new TempFolder();
        var data = folder.Combine("data");
        var staging = Stage(folder.Combine("staging"), files, content);
        var script = Path.Combine(PublishedApp.RepositoryRoot(), "tests", "FaceSorter.Benchmarks", "polling_sorter.py");
        var start = new ProcessStartInfo("python3", [script, "--data", data, "--settle", settle.TotalSeconds.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        await process.StandardOutput.ReadLineAsync(); // "polling ...": its folders exist
        var elapsed = await DropAsync(data, staging, files, content);
        process.Kill();
        await process.WaitForExitAsync();
        return files / elapsed.TotalSeconds;
    }

    /// <summary>The copies, written beside the drop folder (same filesystem) so that dropping them is only renames.</summary>
    private static string Stage(string staging, int files, byte[] content)
    {
        Directory.CreateDirectory(staging);
        for (var i = 0; i < files; i++)
        {
            File.WriteAllBytes(Path.Combine(staging, $"copy{i:D5}.jpg"), content);
        }

        return staging;
    }

    /// <summary>Sorts the original first (so its content is known), then renames every copy in and times them to review/duplicates.</summary>
    private static async Task<TimeSpan> DropAsync(string data, string staging, int files, byte[] content)
    {
        var inbox = Path.Combine(data, "temp_downloads");
        var duplicates = Path.Combine(data, "review", "duplicates");
        var original = Path.Combine(inbox, "original.jpg");
        var staged = Path.Combine(Path.GetDirectoryName(staging)!, "original.jpg");
        await File.WriteAllBytesAsync(staged, content);
        File.Move(staged, original);
        await UntilAsync(() => !File.Exists(original), "the original is sorted");

        var stopwatch = Stopwatch.StartNew();
        foreach (var copy in Directory.EnumerateFiles(staging))
        {
            File.Move(copy, Path.Combine(inbox, Path.GetFileName(copy)));
        }

        await UntilAsync(() => Directory.Exists(duplicates) && Directory.EnumerateFiles(duplicates).Count() >= files, $"all {files} copies in review/duplicates", TimeSpan.FromMilliseconds(20));
        return stopwatch.Elapsed;
    }

    private static async Task UntilAsync(Func<bool> condition, string because, TimeSpan? every = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > Deadline)
            {
                throw new TimeoutException("timed out waiting until " + because);
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(50));
        }
    }

    private static int Arg(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
}
