using System.Globalization;
using System.Text;

namespace FaceSorter.Diagnostics;

/// <summary>
/// A file name as one line of text for logs and terminal tables: a name may hold a newline, an
/// escape sequence or a right-to-left override (all legal on Linux), which printed raw would forge a
/// log line, recolour a terminal or disguise an extension. Control characters (C0, DEL, C1), line and
/// paragraph separators and bidirectional controls become C-style escapes (<c>\n</c>, <c>\x1B</c>,
/// <c>\u202E</c>); everything else, including every other non-ASCII letter, is kept. JSON and the web
/// page carry names exactly and never use this.
/// </summary>
public static class PrintableText
{
    public static string Escape(string text)
    {
        if (!text.AsSpan().ContainsAny(Unprintable))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (var ch in text)
        {
            if (!Unprintable.Contains(ch))
            {
                escaped.Append(ch);
                continue;
            }

            escaped.Append(ch switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < '\u0100' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)ch:X2}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)ch:X4}"),
            });
        }

        return escaped.ToString();
    }

    /// <summary>True when <paramref name="text"/> holds a character <see cref="Escape"/> would change.</summary>
    public static bool NeedsEscaping(string text) => text.AsSpan().ContainsAny(Unprintable);

    private static readonly System.Buffers.SearchValues<char> Unprintable = System.Buffers.SearchValues.Create(
        string.Concat(
            Range('\u0000', '\u001F'), Range('\u007F', '\u009F'),
            "\u2028\u2029\u200E\u200F\u061C",
            Range('\u202A', '\u202E'), Range('\u2066', '\u2069')));

    private static string Range(char first, char last) =>
        new([.. Enumerable.Range(first, last - first + 1).Select(code => (char)code)]);
}
