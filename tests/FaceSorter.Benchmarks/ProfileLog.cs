namespace FaceSorter.Benchmarks;

/// <summary>
/// Profiling aid for the daemon benchmarks: with <c>FACESORTER_BENCH_LOG=FILE</c> set, the daemon logs
/// its Debug events with millisecond times, and the benchmark writes its output to FILE afterwards.
/// </summary>
internal static class ProfileLog
{
    /// <summary>The file to write the daemon's output to, or null when not profiling.</summary>
    public static async Task<string?> ConfigureAsync(string configPath)
    {
        var log = Environment.GetEnvironmentVariable("FACESORTER_BENCH_LOG");
        if (log is null)
        {
            return null;
        }

        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(configPath))!;
        json["Serilog"]!["MinimumLevel"]!["Default"] = "Debug";
        json["Serilog"]!["WriteTo"]![0]!["Args"]!["outputTemplate"] = "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}";
        await File.WriteAllTextAsync(configPath, json.ToJsonString());
        return log;
    }
}
