namespace FaceSorter.Options;

/// <summary>The config file in use; relative paths in it resolve against its folder (docs/contracts.md, "Folders").</summary>
public sealed record ConfigLocation(string FilePath)
{
    public string Directory => Path.GetDirectoryName(Path.GetFullPath(FilePath))!;

    public string Resolve(string path) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(Directory, path));
}
