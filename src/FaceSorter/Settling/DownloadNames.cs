using System.Text.RegularExpressions;

namespace FaceSorter.Settling;

/// <summary>
/// Names that downloaders use for their working files while a download is under way
/// (docs/linux-facts.md, "Downloaders' working files"). Such a file is never touched, and while one
/// exists the file it leads to waits (<c>clip.mp4</c> waits while <c>clip.mp4.ytdl</c>,
/// <c>clip.mp4.part</c> or a <c>clip.f137.mp4.part</c> exists). Each line names the tool that
/// writes the name and the name of the file it becomes (group <c>final</c>, or <c>stem</c> +
/// <c>ext</c>).
/// </summary>
public static partial class DownloadNames
{
    private sealed record WorkingName(Regex Pattern, string Tool, bool StemOnly = false);

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.ExplicitCapture;
    private const int TimeoutMilliseconds = 1000;

    private static WorkingName Line(Regex pattern, string tool, bool stemOnly = false) => new(pattern, tool, stemOnly);

    /// <summary>Working-file names, each with the tool that makes it; the first match wins.</summary>
    private static readonly WorkingName[] WorkingNames =
    [
        Line(FragmentName(), "yt-dlp fragment of a fragmented (HLS/DASH) download: clip.mp4.part-Frag3, clip.mp4.part-Frag3.part"),
        Line(FragmentNameWithoutPart(), "yt-dlp fragment with --no-part: clip.mp4-Frag3"),
        Line(YtDlpResumeName(), "yt-dlp resume file of a fragmented download: clip.mp4.ytdl"),
        Line(PartName(), "Firefox, Transmission (rename-partial-files), gallery-dl, yt-dlp, wget2: name.part"),
        Line(CrDownloadName(), "Chrome, Chromium, Edge: name.crdownload (first \"Unconfirmed 123.crdownload\")"),
        Line(Aria2ControlName(), "aria2c control file beside the (preallocated) data file"),
        Line(Aria2ControlTempName(), "aria2c control file while it is being written"),
        Line(DownloadSuffixName(), "Safari and some download managers: name.download"),
        Line(PartialName(), "rclone (--partial-suffix, default .partial), Edge legacy, KGet"),
        Line(QBittorrentName(), "qBittorrent incomplete file (\"Append .!qB extension\")"),
        Line(UTorrentName(), "uTorrent incomplete file"),
        Line(SyncthingTempName(), "Syncthing temporary file on Windows-like configs"),
        Line(TmpName(), "generic temporary name (Syncthing's hidden .syncthing.name.tmp, editors, scripts)"),
        Line(OwnCopyName(), "FaceSorter's own cross-filesystem copy (Moving/FileMover)"),
        Line(YtDlpTempName(), "yt-dlp post-processing output (merge, embedded thumbnail): clip.temp.mp4"),
        Line(YtDlpFormatName(), "yt-dlp format downloaded apart for a merge: clip.f137.mp4, clip.f140.m4a", stemOnly: true),
    ];

    /// <summary>Companion files that mean "the file beside me is still downloading", looked up by exact name.</summary>
    private static readonly string[] CompanionEndings =
    [
        ".aria2",      // aria2c keeps file.jpg.aria2 until file.jpg is complete (preallocated at full size!)
        ".part",       // Firefox writes file.jpg.part next to a 0-byte file.jpg placeholder; yt-dlp, gallery-dl
        ".crdownload", // Chrome-style
        ".ytdl",       // yt-dlp keeps clip.mp4.ytdl while a fragmented download of clip.mp4 runs (also with --no-part)
    ];

    /// <summary>
    /// True for a name no finished download has: a working-file name above, or a hidden name
    /// (rsync's <c>.name.XXXXXX</c>, Syncthing's <c>.syncthing.name.tmp</c>).
    /// </summary>
    public static bool IsTemporary(string fileName) => fileName.StartsWith('.') || Find(fileName) is not null;

    /// <summary>The tool that writes working files named like <paramref name="fileName"/>, or null when it is no working-file name.</summary>
    public static string? ToolOf(string fileName) => Find(fileName)?.Line.Tool;

    /// <summary>
    /// The name the download will have once finished (<c>clip.mp4.part-Frag3</c> → <c>clip.mp4</c>;
    /// <c>clip.f137.mp4.part</c> → <c>clip.*</c>: a format fragment leads to a merged file whose
    /// extension is not known yet), or null when <paramref name="fileName"/> is no working-file name.
    /// </summary>
    public static string? FinalNameOf(string fileName)
    {
        string? final = null;
        for (var name = fileName; Find(name) is { } found; name = final)
        {
            final = found.Final;
            if (found.Line.StemOnly || final.EndsWith(".*", StringComparison.Ordinal))
            {
                return final;
            }
        }

        return final;
    }

    /// <summary>True when the working file <paramref name="workingName"/> leads to <paramref name="fileName"/> (same folder).</summary>
    public static bool LeadsTo(string workingName, string fileName)
    {
        if (FinalNameOf(workingName) is not { } final)
        {
            return false;
        }

        return final.EndsWith(".*", StringComparison.Ordinal)
            ? string.Equals(Path.GetFileNameWithoutExtension(fileName), final[..^2], StringComparison.Ordinal)
            : string.Equals(final, fileName, StringComparison.Ordinal);
    }

    /// <summary>The companion files, by exact name, whose presence means <paramref name="path"/> is still downloading.</summary>
    public static IEnumerable<string> CompanionsOf(string path) => CompanionEndings.Select(ending => path + ending);

    /// <summary>
    /// The name of the file <paramref name="fileName"/> is an exact-name companion of (<c>clip.mp4.part</c> →
    /// <c>clip.mp4</c>, the inverse of <see cref="CompanionsOf"/>), or an empty span when it is none. Ordinal,
    /// as the file system compares names.
    /// </summary>
    public static ReadOnlySpan<char> CompanionOwnerOf(ReadOnlySpan<char> fileName)
    {
        foreach (var ending in CompanionEndings)
        {
            if (fileName.Length > ending.Length && fileName.EndsWith(ending, StringComparison.Ordinal))
            {
                return fileName[..^ending.Length];
            }
        }

        return [];
    }

    private static (WorkingName Line, string Final)? Find(string fileName)
    {
        foreach (var line in WorkingNames)
        {
            var match = line.Pattern.Match(fileName);
            if (!match.Success)
            {
                continue;
            }

            var final = match.Groups["final"].Success
                ? match.Groups["final"].Value
                : line.StemOnly ? match.Groups["stem"].Value + ".*" : match.Groups["stem"].Value + "." + match.Groups["ext"].Value;
            return (line, final);
        }

        return null;
    }


    // Source-generated (issue 13): the interpreted patterns cost 0.06 ms per file in a burst, run several times each.
    [GeneratedRegex(@"^(?<final>.+)\.part-(Seg\d+-)?Frag\d+(\.part)?$", Options, TimeoutMilliseconds)]
    private static partial Regex FragmentName();

    [GeneratedRegex(@"^(?<final>.+)-(Seg\d+-)?Frag\d+(\.part)?$", Options, TimeoutMilliseconds)]
    private static partial Regex FragmentNameWithoutPart();

    [GeneratedRegex(@"^(?<final>.+)\.ytdl$", Options, TimeoutMilliseconds)]
    private static partial Regex YtDlpResumeName();

    [GeneratedRegex(@"^(?<final>.+)\.part$", Options, TimeoutMilliseconds)]
    private static partial Regex PartName();

    [GeneratedRegex(@"^(?<final>.+)\.crdownload$", Options, TimeoutMilliseconds)]
    private static partial Regex CrDownloadName();

    [GeneratedRegex(@"^(?<final>.+)\.aria2$", Options, TimeoutMilliseconds)]
    private static partial Regex Aria2ControlName();

    [GeneratedRegex(@"^(?<final>.+)\.aria2__temp$", Options, TimeoutMilliseconds)]
    private static partial Regex Aria2ControlTempName();

    [GeneratedRegex(@"^(?<final>.+)\.download$", Options, TimeoutMilliseconds)]
    private static partial Regex DownloadSuffixName();

    [GeneratedRegex(@"^(?<final>.+?)(\.[0-9a-f]{8,})?\.partial$", Options, TimeoutMilliseconds)]
    private static partial Regex PartialName();

    [GeneratedRegex(@"^(?<final>.+)\.!qb$", Options, TimeoutMilliseconds)]
    private static partial Regex QBittorrentName();

    [GeneratedRegex(@"^(?<final>.+)\.!ut$", Options, TimeoutMilliseconds)]
    private static partial Regex UTorrentName();

    [GeneratedRegex(@"^~syncthing~(?<final>.+)\.tmp$", Options, TimeoutMilliseconds)]
    private static partial Regex SyncthingTempName();

    [GeneratedRegex(@"^(?<final>.+)\.tmp$", Options, TimeoutMilliseconds)]
    private static partial Regex TmpName();

    [GeneratedRegex(@"^(?<final>.+)\.facesorter-partial$", Options, TimeoutMilliseconds)]
    private static partial Regex OwnCopyName();

    [GeneratedRegex(@"^(?<stem>.+?)(\.keyframes)?\.temp\.(?<ext>[^.]+)$", Options, TimeoutMilliseconds)]
    private static partial Regex YtDlpTempName();

    [GeneratedRegex(@"^(?<stem>.+)\.f(\d+|(hls|dash|http|https)-[A-Za-z0-9_-]+)\.(?<ext>[^.]+)$", Options, TimeoutMilliseconds)]
    private static partial Regex YtDlpFormatName();
}
