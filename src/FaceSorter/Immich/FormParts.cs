using System.Net.Http.Headers;

namespace FaceSorter.Immich;

/// <summary>
/// Parts of a <c>multipart/form-data</c> request with their parameters quoted, as RFC 7578 4.2
/// writes them (<c>name="assetData"</c>) and Immich's own server sends them to its ML service.
/// .NET's <see cref="MultipartFormDataContent.Add(HttpContent, string)"/> leaves a name that is a
/// plain token unquoted; lenient parsers (busboy, python-multipart) take that, strict WHATWG ones
/// (undici's <c>FormData</c>) refuse it. See docs/media-types.md.
/// </summary>
internal static class FormParts
{
    /// <summary>Adds <paramref name="content"/> as the part <paramref name="name"/>, with a file name when given.</summary>
    /// <param name="fileName">Printable ASCII without <c>"</c> or <c>\</c> (see <c>UploadFileName.Ascii</c>).</param>
    /// <exception cref="ArgumentException">A name holds what a quoted header parameter cannot.</exception>
    public static void AddPart(this MultipartFormDataContent form, HttpContent content, string name, string? fileName = null)
    {
        var disposition = new ContentDispositionHeaderValue("form-data") { Name = Quoted(name) };
        if (fileName is not null)
        {
            disposition.FileName = Quoted(fileName);
        }

        content.Headers.ContentDisposition = disposition;
        form.Add(content);
    }

    private static string Quoted(string value) =>
        value.All(c => c is >= ' ' and <= '~' and not '"' and not '\\')
            ? "\"" + value + "\""
            : throw new ArgumentException($"'{value}' cannot be a quoted multipart parameter (printable ASCII without quotes or backslashes only)", nameof(value));
}
