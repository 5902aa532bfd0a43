namespace FaceSorter.Settling;

/// <summary>
/// Sidecars: files that describe another file and belong beside it (docs/linux-facts.md,
/// "Sidecars"). A sidecar is never sorted on its own: it waits for its owner's decision and then
/// travels with it, under the owner's final name. Pure: it works on names only.
/// </summary>
/// <remarks>
/// A thumbnail (yt-dlp <c>--write-thumbnail</c>: <c>clip.webp</c>, <c>clip.jpg</c>) is not a
/// sidecar: it is a picture, and by name it cannot be told from a Live Photo's still
/// (<c>IMG_1.HEIC</c> beside <c>IMG_1.MOV</c>) or any picture that shares a video's stem; it may
/// show faces. So it is sorted as the image it is.
/// </remarks>
public static class Sidecars
{
    /// <param name="Ending">How the sidecar's name ends (case-insensitive).</param>
    /// <param name="NeedsInnerExtension">Only <c>name.ext</c> + ending is a sidecar (<c>photo.jpg.json</c>, not <c>data.json</c>).</param>
    /// <param name="LanguageTag">A language tag may stand between the owner's stem and the ending (<c>clip.en.vtt</c>).</param>
    /// <param name="PrefersAudioVideo">Only an audio or video file with the stem is the owner (yt-dlp's own files).</param>
    /// <param name="WholeFolder">Describes a whole gallery, not one file: never has an owner.</param>
    private sealed record Kind(string Ending, string Tool, bool NeedsInnerExtension = false, bool LanguageTag = false, bool PrefersAudioVideo = false, bool WholeFolder = false);

    /// <summary>Sidecar kinds, each with the tools that write it; longer endings first.</summary>
    private static readonly Kind[] Kinds =
    [
        new("info.json", "gallery-dl --write-info-json (one per gallery folder, exact name)", WholeFolder: true),
        new(".live_chat.json", "yt-dlp --write-subs of a live stream's chat: clip.live_chat.json", PrefersAudioVideo: true),
        new(".info.json", "yt-dlp --write-info-json: clip.info.json", PrefersAudioVideo: true),
        new(".annotations.xml", "yt-dlp --write-annotations: clip.annotations.xml", PrefersAudioVideo: true),
        new(".description", "yt-dlp --write-description: clip.description", PrefersAudioVideo: true),
        new(".xmp", "darktable, digiKam (photo.jpg.xmp); Lightroom, digiKam's option, exiftool (photo.xmp)"),
        new(".pp3", "RawTherapee processing profile: photo.jpg.pp3"),
        new(".json", "gallery-dl --write-metadata: name.ext.json", NeedsInnerExtension: true),
        new(".txt", "gallery-dl --write-tags: name.ext.txt", NeedsInnerExtension: true),
        new(".vtt", "yt-dlp --write-subs: clip.en.vtt", LanguageTag: true, PrefersAudioVideo: true),
        new(".srt", "yt-dlp --write-subs / --convert-subs srt: clip.en.srt", LanguageTag: true, PrefersAudioVideo: true),
        new(".ass", "yt-dlp --convert-subs ass: clip.en.ass", LanguageTag: true, PrefersAudioVideo: true),
        new(".lrc", "yt-dlp --convert-subs lrc: clip.en.lrc", LanguageTag: true, PrefersAudioVideo: true),
        new(".ttml", "yt-dlp --write-subs (ttml format): clip.en.ttml", LanguageTag: true, PrefersAudioVideo: true),
        new(".srv3", "yt-dlp --write-subs (YouTube srv3 format): clip.en.srv3", LanguageTag: true, PrefersAudioVideo: true),
        new(".json3", "yt-dlp --write-subs (YouTube json3 format): clip.en.json3", LanguageTag: true, PrefersAudioVideo: true),
        new(".url", "yt-dlp --write-url-link: clip.url", PrefersAudioVideo: true),
        new(".webloc", "yt-dlp --write-webloc-link: clip.webloc", PrefersAudioVideo: true),
        new(".desktop", "yt-dlp --write-desktop-link: clip.desktop", PrefersAudioVideo: true),
    ];

    /// <summary>Containers yt-dlp writes (its KNOWN_EXTENSIONS, less manifests): the owner its sidecars mean.</summary>
    private static readonly HashSet<string> AudioVideo = new(
        ["mp4", "m4a", "m4v", "m4b", "aac", "flv", "f4v", "webm", "ogg", "ogv", "oga", "opus", "mkv", "mka", "avi", "mov", "wmv", "wma", "3gp", "3g2", "mp3", "flac", "wav", "ts"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="fileName"/> is named like a sidecar.</summary>
    public static bool IsSidecar(string fileName) => KindOf(fileName) is not null;

    /// <summary>The tools that write sidecars named like <paramref name="fileName"/>, or null.</summary>
    public static string? ToolOf(string fileName) => KindOf(fileName)?.Kind.Tool;

    /// <summary>
    /// Finds the owner of the sidecar <paramref name="fileName"/> among the other names in its folder:
    /// the file named like its inner part (<c>photo.jpg.xmp</c> → <c>photo.jpg</c>), else a file with its
    /// stem (<c>photo.xmp</c> → <c>photo.&lt;ext&gt;</c>; <c>clip.en.vtt</c> → <c>clip.&lt;ext&gt;</c>).
    /// Sidecars and working files are never owners, but a working file that leads to an owner
    /// (<c>clip.mp4.part</c>) is reported as an owner still downloading.
    /// </summary>
    /// <returns>The owner's name, or null when none is in the folder (and none is downloading).</returns>
    public static OwnerMatch? FindOwner(string fileName, IEnumerable<string> siblings)
    {
        if (KindOf(fileName) is not { } found || found.Kind.WholeFolder)
        {
            return null;
        }

        OwnerMatch? best = null;
        foreach (var sibling in siblings)
        {
            if (string.Equals(sibling, fileName, StringComparison.Ordinal) || IsSidecar(sibling))
            {
                continue;
            }

            var downloading = DownloadNames.IsTemporary(sibling);
            var name = downloading ? DownloadNames.FinalNameOf(sibling) : sibling;
            if (name is null || Rank(found.Kind, found.Inner, name) is not { } rank)
            {
                continue;
            }

            var candidate = new OwnerMatch(name, downloading, rank);
            if (best is null || candidate.Rank < best.Rank || (candidate.Rank == best.Rank && string.CompareOrdinal(candidate.Name, best.Name) < 0))
            {
                best = candidate;
            }
        }

        return best;
    }

    /// <summary>How the owner is named in a hold reason: its exact name, or its stem with any extension.</summary>
    public static string DescribeOwner(string fileName) => KindOf(fileName) switch
    {
        null => fileName,
        { Kind.WholeFolder: true } => "the gallery in its folder",
        var (kind, inner) when Path.HasExtension(inner) && !kind.LanguageTag => inner,
        var (kind, inner) when kind.LanguageTag && Path.HasExtension(inner) => Path.GetFileNameWithoutExtension(inner) + ".*",
        var (_, inner) => inner + ".*",
    };

    /// <summary>True for a sidecar that describes a whole folder and so never travels.</summary>
    public static bool DescribesWholeFolder(string fileName) => KindOf(fileName)?.Kind.WholeFolder == true;

    /// <summary>
    /// The sidecar's name beside its moved owner: the owner's part of the name is replaced by the
    /// owner's final name (or final stem), so prefix and clash suffix carry over
    /// (<c>photo2.png.xmp</c> with <c>photo2.png</c> → <c>noface_photo2_20260101_120000.png</c> gives
    /// <c>noface_photo2_20260101_120000.png.xmp</c>; <c>photo.xmp</c> with <c>photo.jpg</c> →
    /// <c>dup_photo.jpg</c> gives <c>dup_photo.xmp</c>).
    /// </summary>
    public static string FollowName(string sidecarName, string ownerName, string ownerFinalName)
    {
        if (sidecarName.StartsWith(ownerName, StringComparison.Ordinal) && sidecarName.Length > ownerName.Length && sidecarName[ownerName.Length] == '.')
        {
            return ownerFinalName + sidecarName[ownerName.Length..];
        }

        var stem = Path.GetFileNameWithoutExtension(ownerName);
        return sidecarName.StartsWith(stem, StringComparison.Ordinal)
            ? Path.GetFileNameWithoutExtension(ownerFinalName) + sidecarName[stem.Length..]
            : sidecarName;
    }

    /// <summary>0 = exact inner name, 1 = stem match; null = not an owner.</summary>
    private static int? Rank(Kind kind, string inner, string name)
    {
        if (string.Equals(name, inner, StringComparison.Ordinal) && Path.HasExtension(inner))
        {
            return 0;
        }

        var stem = Path.GetFileNameWithoutExtension(name);
        var extension = Path.GetExtension(name).TrimStart('.');
        var stemMatches = string.Equals(stem, inner, StringComparison.Ordinal)
            || (kind.LanguageTag && Path.HasExtension(inner) && string.Equals(stem, Path.GetFileNameWithoutExtension(inner), StringComparison.Ordinal));
        if (!stemMatches || extension.Length == 0)
        {
            return null;
        }

        if (!kind.PrefersAudioVideo)
        {
            return 1;
        }

        // yt-dlp writes clip.info.json and clip.webp before clip.mp4 starts: its sidecars belong to the
        // audio or video file only, never to the thumbnail beside it.
        return extension == "*" || AudioVideo.Contains(extension) ? 1 : null;
    }

    private static (Kind Kind, string Inner)? KindOf(string fileName)
    {
        foreach (var kind in Kinds)
        {
            if (kind.WholeFolder)
            {
                if (string.Equals(fileName, kind.Ending, StringComparison.OrdinalIgnoreCase))
                {
                    return (kind, "");
                }

                continue;
            }

            if (!fileName.EndsWith(kind.Ending, StringComparison.OrdinalIgnoreCase) || fileName.Length == kind.Ending.Length)
            {
                continue;
            }

            var inner = fileName[..^kind.Ending.Length];
            if (kind.NeedsInnerExtension && !Path.HasExtension(inner))
            {
                return null;
            }

            return (kind, inner);
        }

        return null;
    }
}

/// <summary>The owner a sidecar belongs to, by name in the sidecar's folder.</summary>
/// <param name="Name">The owner's name (<c>clip.*</c> when a yt-dlp format is still being merged).</param>
/// <param name="StillDownloading">Only a working file of the owner exists so far (<c>clip.mp4.part</c>).</param>
/// <param name="Rank">How well it matches (lower is better).</param>
public sealed record OwnerMatch(string Name, bool StillDownloading, int Rank);
