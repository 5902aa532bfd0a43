using System.CommandLine;

namespace FaceSorter.App.Cli;

internal static class CommonOptions
{
    public static Option<string?> Config { get; } = new("--config", "-c")
    {
        Description = "Path of the config file (default: $FACESORTER_CONFIG, else ./facesorter.json; created from the shipped defaults when missing, except by doctor, which changes nothing on disk)",
        Recursive = true,
    };

    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Print JSON instead of text",
    };
}
