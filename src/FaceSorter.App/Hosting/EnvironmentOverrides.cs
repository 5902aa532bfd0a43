using System.Collections;

namespace FaceSorter.App.Hosting;

/// <summary>
/// docs/contracts.md, "Configuration": <c>FACESORTER__Section__Key</c> overrides
/// <c>FaceSorter:Section:Key</c> (for example <c>FACESORTER__Immich__ApiKey</c>);
/// <c>FACESORTER__FaceSorter__Immich__ApiKey</c> works too, and <c>FACESORTER__Serilog__…</c> reaches the
/// Serilog section.
/// </summary>
internal static class EnvironmentOverrides
{
    private const string Prefix = "FACESORTER__";

    public static Dictionary<string, string?> Read(IDictionary variables)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry variable in variables)
        {
            var name = (string)variable.Key;
            if (!name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var key = name[Prefix.Length..].Replace("__", ":", StringComparison.Ordinal);
            var rooted = key.StartsWith("FaceSorter:", StringComparison.OrdinalIgnoreCase) || key.StartsWith("Serilog:", StringComparison.OrdinalIgnoreCase);
            overrides[rooted ? key : "FaceSorter:" + key] = (string?)variable.Value;
        }

        return overrides;
    }
}
