using FaceSorter.Benchmarks;

// Benchmarks that print the figures the issues ask for (gallery and ml-throughput need the test
// PostgreSQL: scripts/pg-test-server.sh start). Run one with
//   dotnet run -c Release --project tests/FaceSorter.Benchmarks -- <name> [args]
var benchmarks = new Dictionary<string, Func<string[], Task>>(StringComparer.OrdinalIgnoreCase)
{
    ["hash"] = HashingBenchmark.RunAsync,
    ["memory"] = MemoryBenchmark.RunAsync,
    ["throughput"] = PipelineBenchmark.ThroughputAsync,
    ["latency"] = PipelineBenchmark.LatencyAsync,
    ["burst"] = BurstBenchmark.RunAsync,
    ["review"] = ReviewBenchmark.RunAsync,
    ["match"] = args => { MatchBenchmark.Run(args); return Task.CompletedTask; },
    ["preview"] = PreviewBenchmark.RunAsync,
    ["near-duplicates"] = NearDuplicateBenchmark.RunAsync,
    ["gallery"] = _ => GalleryLoadBenchmark.RunAsync(CancellationToken.None),
    ["ml-throughput"] = ModeThroughputBenchmark.MachineLearningAsync,
    ["upload-throughput"] = ModeThroughputBenchmark.UploadAsync,
    ["serve-immich"] = EmulatorProcess.ServeImmichAsync, // the child processes of the two above
    ["serve-ml"] = EmulatorProcess.ServeMachineLearningAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.WriteLine($"usage: FaceSorter.Benchmarks <{string.Join('|', benchmarks.Keys)}> [args]");
    return 2;
}

await run(args[1..]);
return 0;
