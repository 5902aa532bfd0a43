using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>The strict multipart check both emulators apply to what FaceSorter sends.</summary>
public static partial class StrictMultipart
{
    /// <summary>
    /// Null when every part's <c>name</c> (and <c>filename</c>, when given) is a quoted string, as RFC
    /// 7578 4.2 writes them; else the complaint. Immich's multer would take a bare token, but a
    /// strict WHATWG parser (undici's <c>FormData</c>) refuses it (docs/media-types.md), and the emulator
    /// is the strict one so the tests catch a client that sends bare names.
    /// </summary>
    public static async Task<string?> MalformedPartAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(request.ContentType).Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return "Multipart: Boundary not found";
        }

        request.EnableBuffering();
        string? problem = null;
        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            var disposition = section.ContentDisposition ?? "";
            if (problem is null && (!QuotedName().IsMatch(disposition) || (disposition.Contains("filename=", StringComparison.Ordinal) && !QuotedFileName().IsMatch(disposition))))
            {
                problem = $"Multipart: malformed part header (parameters must be quoted strings): Content-Disposition: {disposition}";
            }
        }

        request.Body.Position = 0;
        return problem;
    }

    [GeneratedRegex(@"^form-data;(.*;)?\s*name=""[^""\r\n]*""(;|$)")]
    private static partial Regex QuotedName();

    [GeneratedRegex(@";\s*filename=""[^""\r\n]*""(;|$)")]
    private static partial Regex QuotedFileName();
}
