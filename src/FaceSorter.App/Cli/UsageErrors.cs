using System.CommandLine;

namespace FaceSorter.App.Cli;

/// <summary>A command line that does not parse: its messages and where the help is, on stderr (not the whole help text).</summary>
internal static class UsageErrors
{
    public static async Task WriteAsync(ParseResult parse)
    {
        foreach (var error in parse.Errors)
        {
            await Console.Error.WriteLineAsync(error.Message);
        }

        var verbs = new List<string>();
        for (var result = parse.CommandResult; result.Command is not RootCommand && result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            verbs.Insert(0, result.Command.Name);
        }

        await Console.Error.WriteLineAsync($"Run 'facesorter {string.Join(' ', verbs.Append("--help"))}' for the options.");
    }
}
