namespace FaceSorter.Watching;

/// <summary>
/// A Linux file name is any bytes but '/' and NUL; .NET turns a name that is not valid UTF-8 into a
/// string with U+FFFD in place of the bad bytes, and that string names no file when encoded back
/// (docs/linux-facts.md, "File names"). Such a file is listed but cannot be opened, moved or hashed:
/// it stays where it is, recorded once as held with <see cref="Reason"/>.
/// </summary>
public static class UndecodableName
{
    public const string Reason = "its name is not valid UTF-8 (the bad bytes show as \uFFFD); FaceSorter cannot open such a name, so the file is left untouched: rename it to UTF-8, e.g. convmv -f latin1 -t utf-8 --notest -- <file>";

    /// <summary>
    /// True when <paramref name="path"/> has replaced bytes, names nothing, and is still listed in its
    /// folder (a file that merely vanished, such as one just sorted, is not listed any more).
    /// </summary>
    public static bool Is(string path) =>
        path.Contains('\uFFFD', StringComparison.Ordinal)
        && !Path.Exists(path)
        && Path.GetDirectoryName(path) is { } folder
        && Directory.Exists(folder)
        && Directory.EnumerateFileSystemEntries(folder).Contains(path, StringComparer.Ordinal);
}
