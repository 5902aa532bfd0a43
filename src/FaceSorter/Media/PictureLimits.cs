using System.Globalization;
using NetVips;

namespace FaceSorter.Media;

/// <summary>
/// What FaceSorter lets libvips decode (docs/contracts.md, "Oversized and broken pictures"): a picture
/// whose header claims more than <see cref="MaxPixels"/> pixels is never decoded (a few kilobytes of
/// PNG can claim 100000×100000), and a truncated or corrupt file fails at its first error
/// (<see cref="FailOn"/>) instead of being read row by row with a warning for each.
/// </summary>
public static class PictureLimits
{
    /// <summary>0x3FFF² = 268,402,689 pixels: sharp's default <c>limitInputPixels</c> (about 16384×16384).</summary>
    public const long MaxPixels = 0x3FFFL * 0x3FFF;

    /// <summary>libvips' <c>fail_on</c> for every decode: the first decode error ends it.</summary>
    public const Enums.FailOn FailOn = Enums.FailOn.Error;

    /// <summary>Reads only <paramref name="filePath"/>'s header.</summary>
    /// <exception cref="PictureNotDecodedException">The header claims more than <see cref="MaxPixels"/> pixels.</exception>
    /// <exception cref="VipsException">libvips cannot read the header.</exception>
    public static void CheckHeader(string filePath)
    {
        using var header = Image.NewFromFile(filePath, access: Enums.Access.Sequential, failOn: FailOn);
        CheckSize(header);
    }

    /// <exception cref="PictureNotDecodedException">The header claims more than <see cref="MaxPixels"/> pixels.</exception>
    public static void CheckSize(Image header)
    {
        var pixels = (long)header.Width * header.Height;
        if (pixels > MaxPixels)
        {
            throw new PictureNotDecodedException(string.Create(CultureInfo.InvariantCulture,
                $"its header claims {header.Width}×{header.Height} pixels ({pixels:N0}), over the limit of {MaxPixels:N0}: not decoded (a decompression bomb, or a scan too large to preview)"));
        }
    }

    /// <summary>
    /// The format libvips reads <paramref name="filePath"/> as by its leading bytes (<c>vips_foreign_find_load</c>;
    /// e.g. <c>JPEG</c> from the loader <c>VipsForeignLoadJpegFile</c>), or null when it has no loader for it: a
    /// decode failure is then a format libvips does not read, not bad input. The "is not a known file format"
    /// error libvips then leaves in its process-wide error buffer is cleared, so it is not prefixed to the
    /// next decode's reason.
    /// </summary>
    public static string? FormatOf(string filePath)
    {
        if (Image.FindLoad(filePath) is { } loader)
        {
            var format = loader.StartsWith("VipsForeignLoad", StringComparison.Ordinal) ? loader["VipsForeignLoad".Length..] : loader;
            foreach (var end in new[] { "File", "Source", "load" })
            {
                format = format.EndsWith(end, StringComparison.Ordinal) && format.Length > end.Length ? format[..^end.Length] : format;
            }

            return format.ToUpperInvariant();
        }

        NativeMethods.VipsErrorClear();
        return null;
    }

    /// <summary>
    /// The reason for a file libvips reads as <paramref name="format"/> but cannot decode. It is built from this
    /// file's own facts only: libvips keeps one error buffer for the whole process, so the message of a
    /// decode that failed at the same moment on another thread can stand in this one's exception.
    /// </summary>
    public static string BrokenReason(string format) => $"it is truncated or corrupt (libvips reads it as {format} and stops at an error in it)";

    /// <summary>
    /// A readable reason from a libvips error: its message runs over several lines, the first often the
    /// operation's name only ("unable to call thumbnail", "unable to copy to memory"); the first line that
    /// says what is wrong is kept.
    /// </summary>
    public static string Reason(Exception exception)
    {
        if (exception is PictureNotDecodedException)
        {
            return exception.Message;
        }

        var lines = exception.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = lines.FirstOrDefault(text => !text.StartsWith("unable to ", StringComparison.Ordinal)) ?? lines.FirstOrDefault();
        return line switch
        {
            null => "libvips cannot decode it",
            _ when line.Contains("is not a known file format", StringComparison.Ordinal) => "libvips does not know its format",
            _ when line.Contains("not enough data", StringComparison.OrdinalIgnoreCase)
                || line.Contains("premature end", StringComparison.OrdinalIgnoreCase)
                || line.Contains("truncated", StringComparison.OrdinalIgnoreCase) => "it is truncated or corrupt (libvips: " + line + ")",
            _ => "libvips cannot decode it: " + line,
        };
    }
}

/// <summary>A picture FaceSorter does not decode, with the reason (e.g. over <see cref="PictureLimits.MaxPixels"/>).</summary>
public sealed class PictureNotDecodedException(string reason) : Exception(reason);

internal static partial class NativeMethods
{
    /// <summary>libvips' own <c>vips_error_clear</c>, which NetVips 3.2 calls only when it throws; the library is the one NetVips loads.</summary>
    [System.Runtime.InteropServices.LibraryImport("libvips.so.42", EntryPoint = "vips_error_clear")]
    internal static partial void VipsErrorClear();
}
