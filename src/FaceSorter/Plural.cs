using System.Globalization;

namespace FaceSorter;

/// <summary>Numbers as words for people: a count with its noun in English ("1 file", "2 files", "0 files") and a short duration.</summary>
public static class Plural
{
    public static string Of(long count, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? singular : plural ?? singular + "s")}");

    /// <summary>A duration as people read it in a log line: "4.5s", "1m09s", "2h05m", "3d04h".</summary>
    public static string Duration(TimeSpan elapsed) => elapsed switch
    {
        { TotalDays: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalDays}d{elapsed.Hours:00}h"),
        { TotalHours: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalHours}h{elapsed.Minutes:00}m"),
        { TotalMinutes: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalMinutes}m{elapsed.Seconds:00}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.#}s"),
    };
}
