namespace FaceSorter.App.Hosting;

/// <summary>
/// Finds the config file: <c>--config PATH</c>, else <c>facesorter.json</c> in the current folder.
/// When the default file does not exist yet it is created from the shipped <c>etc/facesorter.json</c>,
/// so <c>facesorter run</c> in an empty folder starts on the embedded defaults with its data beside it.
/// </summary>
internal static class ConfigFile
{
    public const string DefaultName = "facesorter.json";

    /// <summary>The full path of the config file to use; throws with the fix when it cannot be found.</summary>
    public static string Locate(string? requested) => Find(requested, create: true).ReadFrom;

    /// <summary>
    /// The config file's location (relative paths resolve against its folder) and the file to read.
    /// Without <paramref name="create"/> a missing default is read from the shipped copy in place and
    /// nothing is written (<c>doctor</c> changes nothing on disk).
    /// </summary>
    public static (string Location, string ReadFrom) Find(string? requested, bool create)
    {
        if (!create && string.IsNullOrWhiteSpace(requested) && !File.Exists(Path.GetFullPath(DefaultName)))
        {
            return (Path.GetFullPath(DefaultName), ShippedDefault);
        }

        var path = Create(requested);
        return (path, path);
    }

    private static string Create(string? requested)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            var path = Path.GetFullPath(requested);
            if (!File.Exists(path))
            {
                throw new ConfigFileException($"Config file {path} (from --config) does not exist. Fix: give the path of an existing file, or omit --config to use ./{DefaultName}.");
            }

            return path;
        }

        var local = Path.GetFullPath(DefaultName);
        if (!File.Exists(local))
        {
            File.Copy(ShippedDefault, local);
        }

        return local;
    }

    /// <summary>The default config shipped next to the program.</summary>
    public static string ShippedDefault => Path.Combine(AppContext.BaseDirectory, "etc", DefaultName);
}

internal sealed class ConfigFileException(string message) : Exception(message);
