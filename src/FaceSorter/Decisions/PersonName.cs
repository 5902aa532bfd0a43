using System.Text;

namespace FaceSorter.Decisions;

/// <summary>The sanitised person name (docs/contracts.md, "Names and prefixes"), which is also the folder under <c>faces/</c>.</summary>
public static class PersonName
{
    /// <summary>
    /// Lower case; keeps Unicode letters, digits, <c>_</c>, <c>-</c> and spaces; runs of spaces and
    /// <c>-</c> become one <c>_</c>; leading and trailing <c>_</c> are trimmed. Returns null when nothing
    /// usable is left, so such a name is never used as a folder.
    /// </summary>
    public static string? Sanitize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var builder = new StringBuilder(name.Length);
        var inSeparatorRun = false;
        foreach (var ch in name.Normalize(NormalizationForm.FormC))
        {
            if (ch is ' ' or '-')
            {
                if (!inSeparatorRun)
                {
                    builder.Append('_');
                    inSeparatorRun = true;
                }

                continue;
            }

            // Removed characters do not end a run: "John . Doe" is "john_doe".
            if (char.IsLetterOrDigit(ch) || ch == '_')
            {
                builder.Append(char.ToLowerInvariant(ch));
                inSeparatorRun = false;
            }
        }

        var result = builder.ToString().Trim('_');
        return result is "" or "." or ".." ? null : result;
    }

    /// <summary>
    /// The name a new Immich person gets from a folder under <c>faces/</c>: <c>_</c> becomes a space
    /// and each word is capitalised (<c>erin_evans</c> → <c>Erin Evans</c>), so it sanitises back to
    /// the folder's name.
    /// </summary>
    public static string ToDisplayName(string folderName) =>
        System.Globalization.CultureInfo.InvariantCulture.TextInfo.ToTitleCase(folderName.Replace('_', ' '));
}
