namespace FaceSorter.Settling;

/// <summary>
/// Names that downloaders use while a file is still being written (LINUX-FACTS §2 and rule 7).
/// Such a file is never touched; its finished name appears later by a rename.
/// </summary>
public static class DownloadNames
{
    /// <summary>Endings of in-progress files, each with the tool that makes them.</summary>
    private static readonly string[] TemporaryEndings =
    [
        ".part",          // Firefox; also wget --continue helpers and many scripts
        ".crdownload",    // Chrome, Chromium, Edge ("Unconfirmed 123.crdownload" first)
        ".aria2",         // aria2c's control file beside the data file
        ".aria2__temp",   // aria2c's control file while it is being written
        ".tmp",           // generic (gallery-dl, browsers' helpers)
        ".download",      // Safari-style bundles and some download managers
        ".partial",       // Edge legacy, KGet
        ".!qb",           // qBittorrent incomplete files
        ".facesorter-partial", // our own cross-filesystem copies (Moving/FileMover)
    ];

    /// <summary>Companion files that mean "the file beside me is still downloading".</summary>
    private static readonly string[] CompanionEndings =
    [
        ".aria2",      // aria2c keeps file.jpg.aria2 until file.jpg is complete (preallocated at full size!)
        ".part",       // Firefox writes file.jpg.part next to a 0-byte file.jpg placeholder
        ".crdownload", // Chrome-style
    ];

    /// <summary>True for a name no finished download has: temp endings and hidden names (rsync's <c>.name.XXXXXX</c>).</summary>
    public static bool IsTemporary(string fileName) =>
        fileName.StartsWith('.')
        || TemporaryEndings.Any(ending => fileName.EndsWith(ending, StringComparison.OrdinalIgnoreCase));

    /// <summary>The companion files whose presence means <paramref name="path"/> is still downloading.</summary>
    public static IEnumerable<string> CompanionsOf(string path) => CompanionEndings.Select(ending => path + ending);
}
