using System.Text.Json;
using Microsoft.Extensions.Options;

namespace FaceSorter.App.Hosting;

/// <summary>Turns configuration failures into one message that names the key and the fix (no stack trace).</summary>
internal static class StartupErrors
{
    public static string? Describe(Exception exception) => exception switch
    {
        AggregateException aggregate when aggregate.InnerExceptions.All(inner => Describe(inner) is not null) =>
            string.Join(Environment.NewLine, aggregate.InnerExceptions.Select(inner => Describe(inner))),
        OptionsValidationException validation => string.Join(Environment.NewLine, validation.Failures.Select(failure => "  " + failure)),
        ConfigFileException file => "  " + file.Message,
        InvalidOperationException conversion when conversion.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            $"  {conversion.Message} Fix: durations look like 00:00:02 (hh:mm:ss), numbers like 0.6, switches true/false, lists [\"a\", \"b\"].",
        InvalidDataException json when json.Message.StartsWith("Failed to load configuration from file", StringComparison.Ordinal) =>
            $"  {json.Message} {JsonProblem(json)} Fix: correct the JSON syntax there.",
        FormatException format when format.StackTrace?.Contains("Configuration", StringComparison.Ordinal) == true =>
            $"  {format.Message} Fix: correct the configuration value.",
        _ => null,
    };

    /// <summary>Where the JSON is wrong, from the parser's <see cref="JsonException"/> (line and column counted from 1), and what it found.</summary>
    private static string? JsonProblem(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException { LineNumber: { } line, BytePositionInLine: { } column } json)
            {
                var what = json.Message.Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
                return $"Line {line + 1}, column {column + 1}: {what}.";
            }
        }

        return exception.InnerException?.Message;
    }
}
