using System.CommandLine;

namespace FaceSorter.App.Cli;

internal static class CommonOptions
{
    public static Option<string?> Config { get; } = new("--config", "-c")
    {
        Description = "Path of the config file (default: $FACESORTER_CONFIG, else ./facesorter.json; either of those two is created from the shipped defaults when missing, except by doctor, which changes nothing on disk; a file given here must exist)",
        Recursive = true,
    };

    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Print JSON instead of text",
    };
}
