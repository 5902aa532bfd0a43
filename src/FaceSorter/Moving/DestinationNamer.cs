using System.Globalization;

namespace FaceSorter.Moving;

/// <summary>
/// DESIGN's clash rule: a name clash never overwrites; add <c>_&lt;yyyyMMdd_HHmmss&gt;</c> (UTC) and,
/// if still taken, <c>_&lt;n&gt;</c> before the extension.
/// </summary>
public static class DestinationNamer
{
    /// <summary>The candidate names for <paramref name="fileName"/>, in the order to try them.</summary>
    public static IEnumerable<string> Candidates(string fileName, DateTimeOffset now)
    {
        yield return fileName;
        var extension = Path.GetExtension(fileName);
        var stem = Path.GetFileNameWithoutExtension(fileName);
        var stamped = $"{stem}_{now.UtcDateTime.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}";
        yield return stamped + extension;
        for (var n = 1; ; n++)
        {
            yield return $"{stamped}_{n}{extension}";
        }
    }
}
