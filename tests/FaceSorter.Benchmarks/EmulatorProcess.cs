using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.Benchmarks;

/// <summary>
/// An emulator (Immich or its ML service) in a child process, so the benchmark process's CPU time is
/// the daemon's and the emulator's is read separately. The child is this program with a
/// <c>serve-immich</c> or <c>serve-ml</c> verb: it prints <c>ready URL [API-KEY]</c> and serves until
/// its standard input closes.
/// </summary>
internal sealed class EmulatorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private EmulatorProcess(Process process, string url, string apiKey)
    {
        _process = process;
        Url = url;
        ApiKey = apiKey;
    }

    public string Url { get; }

    public string ApiKey { get; }

    /// <summary>The child's CPU time (user + system) so far.</summary>
    public TimeSpan Cpu
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<EmulatorProcess> StartAsync(params string[] verbAndArgs)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var arg in verbAndArgs)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ');
            if (parts[0] == "ready")
            {
                return new EmulatorProcess(process, parts[1], parts.Length > 2 ? parts[2] : "");
            }
        }

        throw new InvalidOperationException($"{string.Join(' ', verbAndArgs)} ended before it was ready");
    }

    /// <summary><c>serve-immich [version] [jobs-ms]</c>: every upload has one face named Alice, final <c>jobs-ms</c> after its upload.</summary>
    public static async Task ServeImmichAsync(string[] args)
    {
        await using var immich = await ImmichEmulator.StartAsync(args.Length > 0 ? args[0] : "3.1.0", CancellationToken.None);
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Alice"));
        var jobs = TimeSpan.FromMilliseconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000);
        immich.SetProcessing(ImmichEmulator.AnyContent, EmulatedProcessing.Taking(jobs));
        Console.WriteLine($"ready {immich.Url} {immich.ApiKey}");
        await Console.In.ReadToEndAsync();
    }

    /// <summary><c>serve-ml [delay-ms]</c>: every image has one face (<see cref="SyntheticGallery.RandomVector"/> of seed 5), answered after <c>delay-ms</c>.</summary>
    /// <summary>The <see cref="TestImages.Photo"/> tag the served ML service finds no face in; every other image has one.</summary>
    public const int NoFaceTag = 4095;

    public static async Task ServeMachineLearningAsync(string[] args)
    {
        await using var ml = await MachineLearningEmulator.StartAsync(CancellationToken.None);
        var face = SyntheticGallery.RandomVector(new Random(5));
        ml.Answer = request => request.Tag == NoFaceTag ? MachineLearningEmulator.Faces() : MachineLearningEmulator.Faces(new MachineLearningEmulatorFace(face));
        ml.Delay = TimeSpan.FromMilliseconds(args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100);
        Console.WriteLine($"ready {ml.BaseAddress}");
        await Console.In.ReadToEndAsync();
        await Console.Error.WriteLineAsync($"ML service saw at most {ml.MaxConcurrency} requests at once");
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
