using System.Globalization;
using System.Text;

namespace FaceSorter.Immich.Upload;

/// <summary>
/// The file name Immich is told, built from the real one: Immich decides an upload by the name's
/// extension alone (docs/media-types.md), and a Linux name may hold anything but <c>/</c> and NUL,
/// which a multipart header cannot always carry (a newline makes .NET refuse the request). So the
/// stem keeps letters, digits, marks and <c>. _ - </c> (space), everything else becomes <c>_</c>; it
/// never starts with <c>-</c>, <c>.</c> or a space and is cut to <see cref="MaxStemBytes"/> bytes
/// of UTF-8; the extension is the accepted one chosen by
/// <see cref="Media.ImmichMediaTypes.UploadExtension"/>. The real name stays in FaceSorter's records.
/// </summary>
internal static class UploadFileName
{
    public const int MaxStemBytes = 100;

    private const string EmptyStem = "file";

    /// <summary>The safe name for <paramref name="realName"/> (a file name, not a path) with <paramref name="extension"/> (with its dot).</summary>
    public static string For(string realName, string extension)
    {
        var stem = Path.GetFileNameWithoutExtension(realName);
        var safe = new StringBuilder(stem.Length);
        var bytes = 0;
        foreach (var rune in stem.EnumerateRunes())
        {
            var kept = IsKept(rune) ? rune : new Rune('_');
            if (safe.Length == 0 && kept.Value is '-' or '.' or ' ')
            {
                continue;
            }

            bytes += kept.Utf8SequenceLength;
            if (bytes > MaxStemBytes)
            {
                break;
            }

            safe.Append(kept.ToString());
        }

        var text = safe.ToString().TrimEnd(' ', '.');
        return (text.Length == 0 ? EmptyStem : text) + extension.ToLowerInvariant();
    }

    /// <summary>The same name with every non-ASCII character as <c>_</c>: for the multipart header, which RFC 7578 leaves to plain quoted ASCII.</summary>
    public static string Ascii(string safeName) =>
        string.Concat(safeName.EnumerateRunes().Select(rune => rune.IsAscii ? rune.ToString() : "_"));

    private static bool IsKept(Rune rune) =>
        Rune.IsLetterOrDigit(rune)
        || rune.Value is '.' or '_' or '-' or ' '
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
}
