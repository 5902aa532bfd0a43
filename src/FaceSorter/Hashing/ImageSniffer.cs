using FaceSorter.Media;

namespace FaceSorter.Hashing;

/// <summary>
/// Rule 0 of docs/contracts.md, "Decision rules": is this an image (or a video) by its leading bytes,
/// whatever its extension? The types are those of <see cref="MediaTypes"/>; whether Immich takes the type
/// is decided by the face service, which knows the server's list. Checked before hashing, so empty and
/// unrecognised files never count as duplicates of each other.
/// </summary>
public static class ImageSniffer
{
    public const string Unrecognised = "not an image or a video (unrecognised leading bytes)";

    /// <summary>Null when the file starts like a type in the table, else why not.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static string? WhyNotAnImage(string path, long length)
    {
        if (length == 0)
        {
            return "empty file (0 bytes)";
        }

        return MediaTypes.SniffFile(path) is null ? Unrecognised : null;
    }
}
