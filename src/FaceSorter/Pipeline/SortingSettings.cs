using FaceSorter.Decisions;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Options;

namespace FaceSorter.Pipeline;

/// <summary>
/// The settings a user can change while the daemon runs (web page, API): whether sorting is enabled,
/// and the whitelist and blacklist. Persisted in the store so they survive a restart; until changed
/// there, the lists come from the config file.
/// </summary>
public sealed class SortingSettings(IStoredSettings store, IOptions<SortingOptions> options)
{
    private const string EnabledKey = "sorting.enabled";
    private const string WhitelistKey = "rules.whitelist";
    private const string BlacklistKey = "rules.blacklist";

    private volatile DecisionRules _rules = DecisionRules.From(options.Value);
    private volatile bool _enabled = true;

    public bool Enabled => _enabled;

    public DecisionRules Rules => _rules;

    /// <summary>Raised after a change, so waiting loops can look again.</summary>
    public event Action? Changed;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        _enabled = await store.GetSettingAsync(EnabledKey, cancellationToken) is not "false";
        var whitelist = await store.GetSettingAsync(WhitelistKey, cancellationToken);
        var blacklist = await store.GetSettingAsync(BlacklistKey, cancellationToken);
        _rules = DecisionRules.From(options.Value, Split(whitelist), Split(blacklist));
    }

    public async Task SetEnabledAsync(bool enabled, CancellationToken cancellationToken)
    {
        await store.SetSettingAsync(EnabledKey, enabled ? "true" : "false", cancellationToken);
        _enabled = enabled;
        Changed?.Invoke();
    }

    public async Task SetListsAsync(IReadOnlyList<string>? whitelist, IReadOnlyList<string>? blacklist, CancellationToken cancellationToken)
    {
        if (whitelist is not null)
        {
            await store.SetSettingAsync(WhitelistKey, string.Join('\n', whitelist), cancellationToken);
        }

        if (blacklist is not null)
        {
            await store.SetSettingAsync(BlacklistKey, string.Join('\n', blacklist), cancellationToken);
        }

        await LoadAsync(cancellationToken);
        Changed?.Invoke();
    }

    private static string[]? Split(string? stored) =>
        stored is null ? null : stored.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
