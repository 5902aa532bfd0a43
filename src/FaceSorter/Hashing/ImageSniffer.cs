using FaceSorter.Media;

namespace FaceSorter.Hashing;

/// <summary>
/// Rule 0 of docs/contracts.md, "Decision rules": is this an image (or a video) by its leading bytes,
/// whatever its extension? The types are those of <see cref="MediaTypes"/>; whether Immich takes the type
/// is decided by the face service, which knows the server's list. Decided with the hash, before any
/// duplicate check, so empty and unrecognised files never count as duplicates of each other. In the
/// pipeline the leading bytes come from the hashing read (<see cref="Hasher.DigestAsync"/>), so the
/// file is opened once.
/// </summary>
public static class ImageSniffer
{
    public const string Unrecognised = "not an image or a video (unrecognised leading bytes)";

    /// <summary>Null when the file starts like a type in the table, else why not.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static string? WhyNotAnImage(string path, long length) =>
        WhyNotAnImage(length, length == 0 ? null : MediaTypes.SniffFile(path));

    /// <summary>The same, for a file whose leading bytes were already sniffed (<see cref="Hasher.DigestAsync"/>).</summary>
    public static string? WhyNotAnImage(long length, MediaType? type) =>
        length == 0 ? "empty file (0 bytes)" : type is null ? Unrecognised : null;
}
