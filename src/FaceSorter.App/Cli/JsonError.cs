using System.Text.Json;

namespace FaceSorter.App.Cli;

/// <summary>
/// A verb asked for <c>--json</c> that stops before its result (another instance runs: exit 3; a bad
/// config or command line: exit 2) still prints one JSON object on stdout, so a script reading it gets the
/// reason, not an empty stream: <c>{"error": "refused" | "invalid_configuration" | "invalid_arguments" | "disk_full", "message": "…", "exit_code": 3}</c>
/// (a full disk: exit 1).
/// The human line stays on stderr.
/// </summary>
internal static class JsonError
{
    public static async Task WriteAsync(IReadOnlyList<string> args, TextWriter stdout, string error, string message, int exitCode)
    {
        if (!args.Contains("--json", StringComparer.Ordinal) || args.Contains("--", StringComparer.Ordinal))
        {
            return;
        }

        var lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        await stdout.WriteLineAsync(JsonSerializer.Serialize(new { error, message = string.Join(Environment.NewLine, lines), exit_code = exitCode }));
        await stdout.FlushAsync();
    }
}
