namespace FaceSorter.Storage;

/// <summary>The <c>settings</c> table: text values by key that the web page and API change at run time (whether sorting is enabled, the whitelist and blacklist) and that outlive a restart.</summary>
public interface IStoredSettings
{
    /// <summary>The value stored under <paramref name="key"/>, or null when none is.</summary>
    Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, replacing an earlier one.</summary>
    Task SetSettingAsync(string key, string value, CancellationToken cancellationToken);
}
