using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace FaceSorter.Options;

/// <summary>
/// Keys under <c>FaceSorter</c> that no option reads, from the config file or a <c>FACESORTER__…</c>
/// variable: the configuration binder ignores them without a word, so a misspelt setting
/// (<c>SettelTime</c>) silently keeps its default. <c>run</c> logs each at start and <c>doctor</c> lists
/// them, with the known setting or section nearest in spelling (at most two letters apart).
/// </summary>
public static class UnknownSettings
{
    /// <summary>Each unknown key (full path, as <c>FaceSorter:SettelTime</c>) and the setting it may have meant, or null.</summary>
    public static IReadOnlyList<(string Key, string? Meant)> Find(IConfiguration configuration)
    {
        var sections = ConfigValues.Bound
            .GroupBy(bound => bound.Section, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(
                group => group.Key,
                group => group.SelectMany(bound => bound.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)).Where(property => property.CanWrite).Select(property => property.Name).ToList(),
                StringComparer.OrdinalIgnoreCase);
        var unknown = new List<(string, string?)>();
        foreach (var (section, names) in sections)
        {
            foreach (var child in configuration.GetSection(section).GetChildren())
            {
                if (!names.Contains(child.Key, StringComparer.OrdinalIgnoreCase) && !sections.ContainsKey(child.Path))
                {
                    // A misspelt section (`Imich`) is meant as one of the sections below this one as much as a setting.
                    var subsections = sections.Keys.Where(path => path.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase) && path.IndexOf(':', section.Length + 1) < 0).Select(path => path[(section.Length + 1)..]);
                    var meant = names.Concat(subsections).MinBy(name => Distance(name, child.Key));
                    unknown.Add((child.Path, meant is not null && Distance(meant, child.Key) <= 2 ? $"{section}:{meant}" : null));
                }
            }
        }

        return unknown;
    }

    /// <summary>Levenshtein distance, ignoring case.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 1]) ? 0 : 1);
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
