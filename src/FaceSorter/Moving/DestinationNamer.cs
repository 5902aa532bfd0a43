using System.Globalization;
using System.Text;

namespace FaceSorter.Moving;

/// <summary>
/// The clash rule (docs/contracts.md, "Names and prefixes"): a name clash never overwrites; add
/// <c>_&lt;yyyyMMdd_HHmmss&gt;</c> (UTC) and, if still taken, <c>_&lt;n&gt;</c> before the extension. Every
/// candidate fits Linux's NAME_MAX (255 bytes of UTF-8): when a review prefix or a clash suffix would push
/// a name past it, the stem is shortened at a character boundary and the extension kept
/// (docs/linux-facts.md, "File names").
/// </summary>
public static class DestinationNamer
{
    /// <summary>NAME_MAX on Linux filesystems: the longest file name, in bytes.</summary>
    public const int NameMax = 255;

    // An "extension" longer than this is not one (a name like "a.<200 bytes>"): the whole name is stem.
    private const int LongestExtension = 32;

    /// <summary>The candidate names for <paramref name="fileName"/>, in the order to try them; each at most <see cref="NameMax"/> UTF-8 bytes.</summary>
    public static IEnumerable<string> Candidates(string fileName, DateTimeOffset now)
    {
        yield return Fit(fileName, "");
        var stamp = "_" + now.UtcDateTime.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
        yield return Fit(fileName, stamp);
        for (var n = 1; ; n++)
        {
            yield return Fit(fileName, $"{stamp}_{n.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    /// <summary>True when <paramref name="candidate"/> is <paramref name="fileName"/> (plus a clash suffix) with its stem cut to fit <see cref="NameMax"/>.</summary>
    public static bool IsShortened(string fileName, string candidate) =>
        Encoding.UTF8.GetByteCount(fileName) > NameMax || !candidate.StartsWith(Split(fileName).Stem, StringComparison.Ordinal);

    /// <summary><c>stem + suffix + extension</c>, the stem cut at a text-element boundary until the whole fits in <see cref="NameMax"/> bytes.</summary>
    public static string Fit(string fileName, string suffix)
    {
        var (stem, extension) = Split(fileName);
        var room = NameMax - Encoding.UTF8.GetByteCount(suffix) - Encoding.UTF8.GetByteCount(extension);
        if (Encoding.UTF8.GetByteCount(stem) <= room)
        {
            return stem + suffix + extension;
        }

        var kept = new StringBuilder();
        var used = 0;
        var elements = StringInfo.GetTextElementEnumerator(stem);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            var bytes = Encoding.UTF8.GetByteCount(element);
            if (used + bytes > room)
            {
                break;
            }

            kept.Append(element);
            used += bytes;
        }

        return kept + suffix + extension;
    }

    private static (string Stem, string Extension) Split(string fileName)
    {
        var extension = Path.GetExtension(fileName);
        return Encoding.UTF8.GetByteCount(extension) > LongestExtension
            ? (fileName, "")
            : (fileName[..^extension.Length], extension);
    }
}
