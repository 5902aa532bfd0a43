using FaceSorter.Benchmarks;

// dotnet run -c Release --project tests/FaceSorter.Benchmarks -- match|gallery|throughput|all
// gallery and throughput need the test PostgreSQL: scripts/pg-test-server.sh start
var which = args.Length > 0 ? args[0] : "all";
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => (e.Cancel, _) = (true, cancel.CancelAsync());
switch (which)
{
    case "match":
        MatchBenchmark.Run();
        break;
    case "gallery":
        await GalleryLoadBenchmark.RunAsync(cancel.Token);
        break;
    case "throughput":
        await ThroughputBenchmark.RunAsync(args.Skip(1).Select(int.Parse).DefaultIfEmpty(4).ToArray(), cancel.Token);
        break;
    case "all":
        MatchBenchmark.Run();
        await GalleryLoadBenchmark.RunAsync(cancel.Token);
        await ThroughputBenchmark.RunAsync([1, 4], cancel.Token);
        break;
    default:
        await Console.Error.WriteLineAsync("usage: FaceSorter.Benchmarks match|gallery|throughput [concurrency…]|all");
        return 2;
}

return 0;
