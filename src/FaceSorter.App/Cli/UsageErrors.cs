using System.CommandLine;

namespace FaceSorter.App.Cli;

/// <summary>A command line that does not parse: its messages and where the help is, on stderr (not the whole help text).</summary>
internal static class UsageErrors
{
    /// <summary>
    /// The messages of a command line that does not parse: its errors, or, when <c>--help</c> hid them
    /// (<c>facesorter status --help</c> printed the top-level help and exited 0), the words no verb took.
    /// </summary>
    public static IReadOnlyList<string> Of(ParseResult parse) =>
        parse.Errors.Count > 0
            ? [.. parse.Errors.Select(error => error.Message)]
            : [.. parse.UnmatchedTokens.Select(token => $"Unrecognized command or argument '{token}'.")];

    public static async Task WriteAsync(ParseResult parse)
    {
        foreach (var message in Of(parse))
        {
            await Console.Error.WriteLineAsync(message);
        }

        var verbs = new List<string>();
        for (var result = parse.CommandResult; result.Command is not RootCommand && result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            verbs.Insert(0, result.Command.Name);
        }

        await Console.Error.WriteLineAsync($"Run 'facesorter {string.Join(' ', verbs.Append("--help"))}' for the options.");
    }
}
