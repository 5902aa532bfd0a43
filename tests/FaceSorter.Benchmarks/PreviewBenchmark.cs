using System.Diagnostics;
using System.Globalization;
using FaceSorter.Immich.MachineLearning;
using FaceSorter.Options;

namespace FaceSorter.Benchmarks;

/// <summary>
/// What MachineLearning mode's preview costs per file (issue 10 part 3): a camera-sized JPEG
/// (default 4000×3000, EXIF-rotated) made into the 1440 px upright JPEG the ML service is sent, as
/// <see cref="PreviewMaker"/> does it. Prints the median and the slowest of the runs, one core.
/// </summary>
internal static class PreviewBenchmark
{
    public static Task RunAsync(string[] args)
    {
        var width = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4000;
        var height = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3000;
        const int runs = 20;
        var path = Path.Combine(Path.GetTempPath(), $"facesorter-preview-bench-{width}x{height}.jpg");
        using (var noise = NetVips.Image.Gaussnoise(width, height, mean: 128, sigma: 40))
        using (var colour = noise.Bandjoin(noise, noise).Cast(NetVips.Enums.BandFormat.Uchar))
        using (var rotated = colour.Mutate(image => image.Set(NetVips.GValue.GIntType, "orientation", 6)))
        {
            rotated.Jpegsave(path, q: 90, keep: NetVips.Enums.ForeignKeep.Exif);
        }

        var maker = new PreviewMaker(Microsoft.Extensions.Options.Options.Create(new ImmichOptions()));
        var times = new List<double>(runs);
        Preview? preview = null;
        for (var run = 0; run < runs; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            preview = maker.Make(path);
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"preview of a {width}x{height} JPEG ({new FileInfo(path).Length / 1_000_000.0:0.0} MB, EXIF orientation 6) -> {preview!.Width}x{preview.Height}, {preview.Jpeg.Length / 1000} KB: median {times[runs / 2]:0} ms, max {times[^1]:0} ms over {runs} runs"));
        File.Delete(path);
        return Task.CompletedTask;
    }
}
