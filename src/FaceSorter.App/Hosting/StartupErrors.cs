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
            $"  {json.Message} {json.InnerException?.Message} Fix: correct the JSON syntax at the position given.",
        FormatException format when format.StackTrace?.Contains("Configuration", StringComparison.Ordinal) == true =>
            $"  {format.Message} Fix: correct the configuration value.",
        _ => null,
    };
}
