using Microsoft.Extensions.Options;

namespace FaceSorter.Options;

/// <summary>
/// Reads secrets kept out of the config file: <c>Immich:ApiKeyFile</c> and <c>Web:TokenFile</c>
/// (relative paths against the config file's folder), else the systemd credentials
/// <c>immich-api-key</c> and <c>web-token</c> in <c>$CREDENTIALS_DIRECTORY</c> (systemd.exec
/// <c>LoadCredential=</c>) when the value itself is empty. A set file that cannot be read is left for
/// the validator, which stops start-up naming the key.
/// </summary>
internal sealed class SecretFiles(ConfigLocation location) : IPostConfigureOptions<ImmichOptions>, IPostConfigureOptions<WebOptions>
{
    public const string ApiKeyCredential = "immich-api-key";
    public const string TokenCredential = "web-token";

    public void PostConfigure(string? name, ImmichOptions options)
    {
        options.ApiKeyFile = ResolveFile(options.ApiKeyFile);
        options.ApiKey = Read(options.ApiKeyFile, options.ApiKey, ApiKeyCredential);
    }

    public void PostConfigure(string? name, WebOptions options)
    {
        options.TokenFile = ResolveFile(options.TokenFile);
        options.Token = Read(options.TokenFile, options.Token, TokenCredential);
    }

    /// <summary>The secret in <paramref name="file"/>, without its line ending; throws when it cannot be read.</summary>
    public static string ReadSecret(string file) => File.ReadAllText(file).Trim();

    private string ResolveFile(string file) => string.IsNullOrWhiteSpace(file) ? "" : location.Resolve(file);

    private static string Read(string file, string value, string credential)
    {
        if (file.Length > 0)
        {
            try
            {
                return ReadSecret(file);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return value; // the validator names the key and the fix
            }
        }

        if (string.IsNullOrWhiteSpace(value) && Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY") is { Length: > 0 } credentials)
        {
            var path = Path.Combine(credentials, credential);
            if (File.Exists(path))
            {
                return ReadSecret(path);
            }
        }

        return value;
    }
}
