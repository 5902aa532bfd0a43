using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.Benchmarks;

/// <summary>
/// Issue 13 goal 6, "keeping Immich busy": files dropped at once into the real in-process daemon
/// (watcher, hashing, SQLite, moves) with the emulator in a child process (<see cref="EmulatorProcess"/>),
/// so this process's CPU time is the daemon's and the emulator's is read apart. The daemon's CPU per
/// file is all this process spent in the run, divided by the files; what it spends idle (its timers,
/// and this loop reading the store's counts every 25 ms) is measured for 2 s before the files are
/// dropped and printed beside it.
/// <list type="bullet">
/// <item><c>ml-throughput [concurrency…]</c>: MachineLearning mode, an ML service taking 100 ms per
/// image, a 100,000-face gallery (<c>FACESORTER_BENCH_FACES</c>) in an Immich v3.1-shaped database;
/// the images are 96×64 test photos, or <c>FACESORTER_BENCH_IMAGE=4000x3000</c> camera-sized noise
/// JPEGs. Goal ≥ 0.9 × 10 × concurrency files/s. First, one run during the gallery's first load
/// (goal 5: a photo without faces does not wait for it).</item>
/// <item><c>upload-throughput [concurrency…]</c>: Upload mode against an emulated Immich v3.1.0 whose
/// face jobs finish 1 s after each upload, 500 KB files. Goal ≥ 0.9 × concurrency files/s.</item>
/// </list>
/// The rate is the steady one: files after the first wave of <c>concurrency</c>, over the time from the
/// first record to the last; end to end includes SettleTime (200 ms).
/// </summary>
internal static class ModeThroughputBenchmark
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    // Counts on across runs: the emulated Immich outlives a run, and content it has seen would be a
    // "duplicate" whose jobs are long done.
    private static int _nextImage;

    public static async Task UploadAsync(string[] args)
    {
        const int kilobytes = 500;
        await using var immich = await EmulatorProcess.StartAsync("serve-immich", "3.1.0", "1000");
        Console.WriteLine($"upload-throughput: emulated Immich v3.1.0 in a separate process at {immich.Url}, face jobs final 1 s after each upload, {kilobytes} KB files, SettleTime {Settle.TotalMilliseconds} ms");
        foreach (var concurrency in Concurrencies(args))
        {
            using var folder = new TempFolder();
            await using var daemon = await TestDaemon.StartAsync(folder.Path, cfg =>
            {
                cfg["Immich"]!["Url"] = immich.Url;
                cfg["Immich"]!["ApiKey"] = immich.ApiKey;
                Common(cfg, concurrency);
            }, CancellationToken.None);
            var run = await MeasureAsync(daemon, folder, immich, warmUp: 10, files: 12 * concurrency, concurrency, index => TestImages.Jpeg(index, kilobytes * 1024));
            Report("upload-throughput", concurrency, run, goal: 0.9 * concurrency);
        }
    }

    public static async Task MachineLearningAsync(string[] args)
    {
        var faces = int.TryParse(Environment.GetEnvironmentVariable("FACESORTER_BENCH_FACES"), out var n) ? n : SyntheticGallery.Faces;
        var size = (Environment.GetEnvironmentVariable("FACESORTER_BENCH_IMAGE") ?? "96x64").Split('x').Select(part => int.Parse(part, CultureInfo.InvariantCulture)).ToArray();
        await using var database = await PostgresImmichDatabase.CreateAsync(PostgresImmichDatabase.V31, CancellationToken.None);
        Console.WriteLine($"ml-throughput: seeding {faces:N0} faces…");
        await SyntheticGallery.SeedAsync(database, faces, CancellationToken.None);
        await using var ml = await EmulatorProcess.StartAsync("serve-ml", "100");
        Console.WriteLine($"ml-throughput: ML service in a separate process at {ml.Url} taking 100 ms per image, {faces:N0}-face gallery, {size[0]}x{size[1]} JPEGs, SettleTime {Settle.TotalMilliseconds} ms");
        var content = Images(size[0], size[1]);
        await FirstLoadAsync(database, ml, faces);
        foreach (var concurrency in Concurrencies(args))
        {
            using var folder = new TempFolder();
            await using var daemon = await StartMachineLearningAsync(folder, database, ml, concurrency);

            // The warm-up loads the gallery and lets tiered JIT optimise matching: the daemon runs
            // for days, so the steady state is the figure that matters.
            var run = await MeasureAsync(daemon, folder, ml, warmUp: 30, files: 30 * concurrency, concurrency, content);
            Report("ml-throughput", concurrency, run, goal: 0.9 * 10 * concurrency);
        }
    }

    private static Task<TestDaemon> StartMachineLearningAsync(TempFolder folder, PostgresImmichDatabase database, EmulatorProcess ml, int concurrency) =>
        TestDaemon.StartAsync(folder.Path, cfg =>
        {
            cfg["Immich"]!["Mode"] = "MachineLearning";
            cfg["Immich"]!["Url"] = "http://127.0.0.1:9"; // this mode does not use the server
            cfg["Immich"]!["MachineLearningUrl"] = ml.Url;
            cfg["Immich"]!["DatabaseConnectionString"] = database.ConnectionString;
            Common(cfg, concurrency);
        }, CancellationToken.None);

    /// <summary>
    /// Issue 13 goal 5: a file without faces is never held up by the gallery's first load. Right after a
    /// start (no gallery copy on disk), six photos with faces and then one without are dropped, at
    /// concurrency 1: three check workers, so before the files with faces let their workers go the
    /// photo without faces waited for the load. Prints when each was recorded.
    /// </summary>
    private static async Task FirstLoadAsync(PostgresImmichDatabase database, EmulatorProcess ml, int faces)
    {
        using var folder = new TempFolder();
        var clock = Stopwatch.StartNew();
        await using var daemon = await StartMachineLearningAsync(folder, database, ml, concurrency: 1);
        var started = clock.Elapsed;
        for (var i = 0; i < 6; i++)
        {
            TestImages.Write(daemon.Inbox, $"face{i}.jpg", TestImages.Photo(4000 + i));
        }

        TestImages.Write(daemon.Inbox, "noface.jpg", TestImages.Photo(EmulatorProcess.NoFaceTag));
        TimeSpan? noFace = null;
        TimeSpan? firstFace = null;
        while ((noFace is null || firstFace is null) && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            noFace ??= Directory.Exists(daemon.Review) && Directory.EnumerateFiles(daemon.Review, "noface_noface.jpg", SearchOption.AllDirectories).Any() ? clock.Elapsed : null;
            firstFace ??= Directory.EnumerateFiles(daemon.Inbox, "face*.jpg").Count() < 6 ? clock.Elapsed : null;
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ml-throughput: first gallery load ({faces:N0} faces, no copy on disk), 6 photos with faces then 1 without dropped {started.TotalSeconds:F2} s after start: "
            + $"the one without faces recorded at {noFace?.TotalSeconds:F2} s, the first with faces at {firstFace?.TotalSeconds:F2} s (goal: the photo without faces does not wait for the load) -> {(noFace < firstFace ? "MET" : "NOT MET")}"));
    }

    private static void Common(JsonObject cfg, int concurrency)
    {
        cfg["Immich"]!["MaxConcurrentRequests"] = concurrency;
        cfg["SettleTime"] = Settle.ToString("c", CultureInfo.InvariantCulture);
    }

    private static int[] Concurrencies(string[] args) =>
        args.Length == 0 ? [1, 2, 4] : [.. args.Select(arg => int.Parse(arg, CultureInfo.InvariantCulture))];

    /// <summary>Distinct images: small one-colour test photos, or one camera-sized noise JPEG with the index after its end (decoders ignore it).</summary>
    private static Func<int, byte[]> Images(int width, int height)
    {
        if (width * height <= 1_000_000)
        {
            return index => TestImages.Photo(index % 4096, width, height);
        }

        using var noise = NetVips.Image.Gaussnoise(width, height, mean: 128, sigma: 40);
        using var colour = noise.Bandjoin(noise, noise).Cast(NetVips.Enums.BandFormat.Uchar);
        var jpeg = colour.JpegsaveBuffer(q: 90);
        return index => [.. jpeg, .. BitConverter.GetBytes(index)];
    }

    private static async Task<Run> MeasureAsync(TestDaemon daemon, TempFolder folder, EmulatorProcess emulator, int warmUp, int files, int concurrency, Func<int, byte[]> content)
    {
        var staging = folder.Combine("staging");
        Directory.CreateDirectory(staging);
        async Task DropAsync(int count, Action? started = null)
        {
            var names = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                var index = _nextImage++;
                var name = $"img{index:D5}.jpg";
                await File.WriteAllBytesAsync(Path.Combine(staging, name), content(index));
                names.Add(name);
            }

            started?.Invoke();
            foreach (var name in names)
            {
                File.Move(Path.Combine(staging, name), Path.Combine(daemon.Inbox, name));
            }
        }

        await DropAsync(warmUp);
        await DoneAsync(daemon, warmUp, null);

        // This process's CPU while nothing arrives (timers, this loop's reads of the store): the
        // part of the run's CPU time that is not the files'.
        var idleWindow = Stopwatch.StartNew();
        var idleCpu = Process.GetCurrentProcess().TotalProcessorTime;
        while (idleWindow.Elapsed < TimeSpan.FromSeconds(2))
        {
            await daemon.Store.GetStatsAsync(1, TimeProvider.System.GetUtcNow().AddMinutes(1), CancellationToken.None);
            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }

        var idlePerSecond = (Process.GetCurrentProcess().TotalProcessorTime - idleCpu) / idleWindow.Elapsed.TotalSeconds;
        var daemonCpu = TimeSpan.Zero;
        var emulatorCpu = TimeSpan.Zero;
        var clock = new Stopwatch();
        await DropAsync(files, () =>
        {
            daemonCpu = Process.GetCurrentProcess().TotalProcessorTime;
            emulatorCpu = emulator.Cpu;
            clock.Start();
        });
        var first = await DoneAsync(daemon, warmUp + files, clock);
        var last = clock.Elapsed;
        return new Run(files, concurrency, first, last, Process.GetCurrentProcess().TotalProcessorTime - daemonCpu, idlePerSecond * last.TotalSeconds, emulator.Cpu - emulatorCpu);
    }

    /// <summary>Waits until <paramref name="total"/> files are recorded; returns when the first of this batch was.</summary>
    private static async Task<TimeSpan> DoneAsync(TestDaemon daemon, int total, Stopwatch? clock)
    {
        var deadline = Stopwatch.StartNew();
        TimeSpan? first = null;
        var before = -1;
        while (true)
        {
            var stats = await daemon.Store.GetStatsAsync(1, TimeProvider.System.GetUtcNow().AddMinutes(1), CancellationToken.None);
            var done = stats.AutoSorted + stats.InReview;
            before = before < 0 ? done : before;
            if (clock is not null && first is null && done > before)
            {
                first = clock.Elapsed;
            }

            if (done >= total)
            {
                return first ?? TimeSpan.Zero;
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException($"{done} of {total} files recorded after 3 minutes (held: see the daemon's log above)");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }
    }

    private static void Report(string name, int concurrency, Run run, double goal)
    {
        var steady = (run.Files - concurrency) / (run.Last - run.First).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: concurrency {concurrency}: {run.Files} files, first recorded at {run.First.TotalSeconds:F2} s, last at {run.Last.TotalSeconds:F2} s: "
            + $"{steady:F1} files/s steady, {run.Files / run.Last.TotalSeconds:F1} end to end (goal >= {goal:F1}) -> {(steady >= goal ? "MET" : "NOT MET")}; "
            + $"CPU per file: daemon {run.DaemonCpu.TotalMilliseconds / run.Files:F1} ms (this process while idle: {run.IdleCpu.TotalMilliseconds / run.Last.TotalSeconds:F0} ms/s), emulator {run.EmulatorCpu.TotalMilliseconds / run.Files:F1} ms"));
    }

    private sealed record Run(int Files, int Concurrency, TimeSpan First, TimeSpan Last, TimeSpan DaemonCpu, TimeSpan IdleCpu, TimeSpan EmulatorCpu);
}
