using FaceSorter.Diagnostics;
using FaceSorter.Options;

namespace FaceSorter.App.Hosting;

/// <summary>
/// Finds the config file: <c>--config PATH</c>, else the <c>FACESORTER_CONFIG</c> environment
/// variable, else <c>facesorter.json</c> in the current folder. When the file named by the variable,
/// or the default one, does not exist yet it is created from the shipped <c>etc/facesorter.json</c>,
/// so <c>facesorter run</c> in an empty folder starts on the embedded defaults with its data beside it.
/// The variable is what every verb of a container shares (<c>run</c>, <c>podman exec … doctor</c>,
/// the <c>HEALTHCHECK</c>'s <c>health</c>) when the data folder is mounted somewhere other than the
/// image's working folder <c>/data</c> (docs/operations.md, "Container").
/// </summary>
internal static class ConfigFile
{
    public const string DefaultName = "facesorter.json";

    /// <summary>The environment variable naming the config file when <c>--config</c> is not given.</summary>
    public const string EnvironmentVariable = "FACESORTER_CONFIG";

    /// <summary>The full path of the config file to use; throws with the fix when it cannot be found.</summary>
    public static string Locate(string? requested) => Find(requested, create: true).ReadFrom;

    /// <summary>
    /// The config file's location (relative paths resolve against its folder) and the file to read.
    /// Without <paramref name="create"/> a missing default is read from the shipped copy in place and
    /// nothing is written (<c>doctor</c> changes nothing on disk).
    /// </summary>
    /// <exception cref="ConfigFileException">The file given by <c>--config</c> is missing, the folder
    /// for a new one is missing, or the file or its folder may not be read or written by this user
    /// (the message names the path, its owner, the uid:gid we run as and the fix).</exception>
    public static (string Location, string ReadFrom) Find(string? requested, bool create)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            // `--config=~/x` reaches us unexpanded (a shell expands ~ only at the start of a word).
            var given = Path.GetFullPath(ConfigLocation.ExpandHome(requested));
            ThrowIfFolder(given, "--config");
            if (!File.Exists(given))
            {
                throw new ConfigFileException($"Config file {given} (from --config) does not exist. Fix: give the path of an existing file, or omit --config to use ${EnvironmentVariable} or ./{DefaultName}.");
            }

            return (given, Readable(given));
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var source = string.IsNullOrWhiteSpace(fromEnvironment) ? "the current folder" : EnvironmentVariable;
        // A service manager does not expand ~ (systemd's Environment=, a compose file): as in the config's own paths.
        var path = Path.GetFullPath(string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultName : ConfigLocation.ExpandHome(fromEnvironment));
        ThrowIfFolder(path, source);
        if (!File.Exists(path))
        {
            if (!create)
            {
                // Nothing is written, but relative paths still resolve against this folder: it must be there.
                var folder = Path.GetDirectoryName(path)!;
                if (!Directory.Exists(folder))
                {
                    throw new ConfigFileException($"Config file {path} (from {source}) does not exist, nor does its folder {folder}. Fix: create the folder (mkdir -p; in a container: the host folder you mount there), or correct {EnvironmentVariable}.");
                }

                return (path, ShippedDefault);
            }

            CreateFromShipped(path, source);
        }

        return (path, Readable(path));
    }

    private static void ThrowIfFolder(string path, string source)
    {
        if (Directory.Exists(path))
        {
            throw new ConfigFileException($"Config file {path} (from {source}) is a folder, not a file. Fix: give the file's path, e.g. {Path.Combine(path, DefaultName)}.");
        }
    }

    /// <summary>The default config shipped next to the program.</summary>
    public static string ShippedDefault => Path.Combine(AppContext.BaseDirectory, "etc", DefaultName);

    private static void CreateFromShipped(string path, string source)
    {
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            throw new ConfigFileException($"Config file {path} (from {source}) cannot be created: its folder {folder} does not exist. Fix: create it (mkdir -p; in a container: the host folder you mount there, before the first start), or correct {EnvironmentVariable}.");
        }

        try
        {
            File.Copy(ShippedDefault, path);
        }
        catch (UnauthorizedAccessException)
        {
            throw Denied("create", path, folder);
        }
    }

    private static string Readable(string path)
    {
        try
        {
            using var probe = File.OpenRead(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw Denied("read", path, path);
        }

        return path;
    }

    /// <summary>
    /// One line with what a user needs to fix a folder or file another user owns (typically a data
    /// folder a container runtime created as root because it did not exist on the host).
    /// </summary>
    private static ConfigFileException Denied(string verb, string path, string owned)
    {
        var owner = FileOwner.Of(owned) ?? "an owner that cannot be read";
        var current = FileOwner.Current;
        if (File.Exists(owned))
        {
            // A file: its mode or its owner is in the way, never a folder to chown recursively.
            var mode = OperatingSystem.IsWindows() ? "unknown" : Convert.ToString((int)File.GetUnixFileMode(owned), 8).PadLeft(3, '0');
            var fix = owner == current ? $"chmod u+r {owned}" : $"sudo chown {current} {owned}, or make it readable to FaceSorter's user (chmod o+r if it holds no secret)";
            return new ConfigFileException($"Cannot {verb} the config file {path}: permission denied; it belongs to {owner}, its mode is {mode}, and FaceSorter runs as {current}. Fix: {fix}.");
        }

        var runAsOwner = FileOwner.Of(owned) is { } id && !id.StartsWith("0:", StringComparison.Ordinal)
            ? $", or run FaceSorter as its owner (container: --user {id})"
            : "";
        return new ConfigFileException(
            $"Cannot {verb} the config file {path}: permission denied; {owned} belongs to {owner} and FaceSorter runs as {current}. " +
            $"Fix: sudo chown -R {current} {owned} (in a container: the host folder mounted there; create it with mkdir -p before the first start, or the runtime creates it as root){runAsOwner}.");
    }
}

internal sealed class ConfigFileException(string message) : Exception(message);
