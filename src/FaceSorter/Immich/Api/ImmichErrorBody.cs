using System.Text.Json;

namespace FaceSorter.Immich.Api;

/// <summary>
/// Reads the message out of an Immich error body. v2 (NestJS): <c>{"message": "…" or ["…", …], "error":
/// "Bad Request", "statusCode": 400}</c>; v3 (Zod): <c>{"statusCode": 400, "message": "…", "errors":
/// [{"message": "…"}, …]}</c> (docs/immich-facts.md, "Errors and the base address"). Anything else is
/// quoted, shortened.
/// </summary>
internal static class ImmichErrorBody
{
    private const int MaxQuoted = 300;

    public static string Describe(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "(empty body)";
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                var parts = new List<string>();
                if (document.RootElement.TryGetProperty("message", out var message))
                {
                    AddStrings(message, parts);
                }

                if (document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                {
                    foreach (var error in errors.EnumerateArray())
                    {
                        AddStrings(error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var inner) ? inner : error, parts);
                    }
                }

                if (parts.Count > 0)
                {
                    return string.Join("; ", parts);
                }
            }
        }
        catch (JsonException)
        {
        }

        var trimmed = body.Trim();
        return trimmed.Length <= MaxQuoted ? trimmed : trimmed[..MaxQuoted] + "…";
    }

    /// <summary>Whether Immich refused the upload because it cannot take the file as an image ("Unsupported file type …").</summary>
    public static bool SaysUnsupportedFile(string message) =>
        message.Contains("unsupported", StringComparison.OrdinalIgnoreCase)
        || message.Contains("not supported", StringComparison.OrdinalIgnoreCase)
        || message.Contains("invalid file type", StringComparison.OrdinalIgnoreCase)
        || message.Contains("not a valid image", StringComparison.OrdinalIgnoreCase);

    private static void AddStrings(JsonElement element, List<string> parts)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                parts.Add(element.GetString()!);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    AddStrings(item, parts);
                }

                break;
            default:
                break;
        }
    }
}
