using System.Globalization;

namespace FaceSorter;

/// <summary>A count with its noun in English: "1 file", "2 files", "0 files".</summary>
public static class Plural
{
    public static string Of(long count, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? singular : plural ?? singular + "s")}");
}
