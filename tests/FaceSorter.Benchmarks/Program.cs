using FaceSorter.Benchmarks;

// Dispatch by the first argument; each benchmark lives in its own file with a static RunAsync.
return args.FirstOrDefault() switch
{
    "review" => await ReviewBenchmark.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: FaceSorter.Benchmarks review [count]");
    return 2;
}
