namespace FaceSorter.Options;

/// <summary><c>FaceSorter:Directories</c>. Relative paths resolve against the config file's folder.</summary>
public sealed class DirectoriesOptions
{
    public const string Section = "FaceSorter:Directories";

    public string Inbox { get; set; } = "data/temp_downloads";
    public string Faces { get; set; } = "data/faces";
    public string Review { get; set; } = "data/review";
}
