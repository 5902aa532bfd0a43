using Microsoft.Extensions.Configuration;

namespace FaceSorter.Options;

/// <summary>
/// Secrets written in the config file itself (<c>FaceSorter:Immich:ApiKey</c>, <c>FaceSorter:Web:Token</c>)
/// and whether every user on the machine may read them (mode &amp; 004). Warned about at start and by
/// <c>doctor</c>; the fix is <c>chmod 640</c> or a key file (<c>ApiKeyFile</c>, <c>TokenFile</c>,
/// systemd <c>LoadCredential=</c>).
/// </summary>
public sealed record ConfigSecrets(string ConfigPath, IReadOnlyList<string> Keys, UnixFileMode Mode)
{
    /// <summary>The settings that keep the secret in a file instead, for the fix text.</summary>
    public const string FileKeys = $"{ImmichOptions.Section}:ApiKeyFile, {WebOptions.Section}:TokenFile, or systemd LoadCredential=immich-api-key:…";

    private static readonly string[] SecretKeys = [$"{ImmichOptions.Section}:ApiKey", $"{WebOptions.Section}:Token"];

    /// <summary>True when the file holds a secret and others may read it.</summary>
    public bool ReadableByOthers => Keys.Count > 0 && (Mode & UnixFileMode.OtherRead) != 0;

    /// <summary>The mode in octal, as <c>ls</c> and <c>chmod</c> spell it (e.g. 0644).</summary>
    public string OctalMode => "0" + Convert.ToString((int)Mode & 0xFFF, 8);

    /// <summary>Reads <paramref name="configPath"/> and its mode; null when it cannot be read.</summary>
    public static ConfigSecrets? Inspect(string configPath)
    {
        try
        {
            var file = new ConfigurationBuilder().AddJsonFile(configPath, optional: false, reloadOnChange: false).Build();
            var keys = SecretKeys.Where(key => !string.IsNullOrWhiteSpace(file[key])).ToList();
            return new ConfigSecrets(configPath, keys, OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(configPath));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
        {
            return null;
        }
    }
}
