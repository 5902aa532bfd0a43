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
public static class DownloadNames
{
    private sealed record WorkingName(Regex Pattern, string Tool, bool StemOnly = false);

    private static WorkingName Line(string pattern, string tool, bool stemOnly = false) =>
        new(new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.ExplicitCapture, TimeSpan.FromSeconds(1)), tool, stemOnly);

    /// <summary>Working-file names, each with the tool that makes it; the first match wins.</summary>
    private static readonly WorkingName[] WorkingNames =
    [
        Line(@"^(?<final>.+)\.part-(Seg\d+-)?Frag\d+(\.part)?$", "yt-dlp fragment of a fragmented (HLS/DASH) download: clip.mp4.part-Frag3, clip.mp4.part-Frag3.part"),
        Line(@"^(?<final>.+)-(Seg\d+-)?Frag\d+(\.part)?$", "yt-dlp fragment with --no-part: clip.mp4-Frag3"),
        Line(@"^(?<final>.+)\.ytdl$", "yt-dlp resume file of a fragmented download: clip.mp4.ytdl"),
        Line(@"^(?<final>.+)\.part$", "Firefox, Transmission (rename-partial-files), gallery-dl, yt-dlp, wget2: name.part"),
        Line(@"^(?<final>.+)\.crdownload$", "Chrome, Chromium, Edge: name.crdownload (first \"Unconfirmed 123.crdownload\")"),
        Line(@"^(?<final>.+)\.aria2$", "aria2c control file beside the (preallocated) data file"),
        Line(@"^(?<final>.+)\.aria2__temp$", "aria2c control file while it is being written"),
        Line(@"^(?<final>.+)\.download$", "Safari and some download managers: name.download"),
        Line(@"^(?<final>.+?)(\.[0-9a-f]{8,})?\.partial$", "rclone (--partial-suffix, default .partial), Edge legacy, KGet"),
        Line(@"^(?<final>.+)\.!qb$", "qBittorrent incomplete file (\"Append .!qB extension\")"),
        Line(@"^(?<final>.+)\.!ut$", "uTorrent incomplete file"),
        Line(@"^~syncthing~(?<final>.+)\.tmp$", "Syncthing temporary file on Windows-like configs"),
        Line(@"^(?<final>.+)\.tmp$", "generic temporary name (Syncthing's hidden .syncthing.name.tmp, editors, scripts)"),
        Line(@"^(?<final>.+)\.facesorter-partial$", "FaceSorter's own cross-filesystem copy (Moving/FileMover)"),
        Line(@"^(?<stem>.+?)(\.keyframes)?\.temp\.(?<ext>[^.]+)$", "yt-dlp post-processing output (merge, embedded thumbnail): clip.temp.mp4"),
        Line(@"^(?<stem>.+)\.f(\d+|(hls|dash|http|https)-[A-Za-z0-9_-]+)\.(?<ext>[^.]+)$", "yt-dlp format downloaded apart for a merge: clip.f137.mp4, clip.f140.m4a", stemOnly: true),
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
}
