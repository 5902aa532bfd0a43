using FaceSorter.Options;
using Microsoft.Extensions.Configuration;

namespace FaceSorter.Tests.Options;

/// <summary>
/// Found in a new-user trial: a misspelt key (<c>SettelTime</c>) was ignored without a word. Every key no
/// option reads is named, with the setting nearest in spelling; no key of the shipped config, and no
/// setting of any options class, is ever called unknown.
/// </summary>
public sealed class UnknownSettingsTests
{
    [Fact]
    public void A_misspelt_key_is_named_with_the_setting_it_may_have_meant_and_a_strange_one_without()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FaceSorter:SettelTime"] = "00:00:03",
            ["FaceSorter:Immich:MaxConcurentRequests"] = "2",
            ["FaceSorter:Whitelist:0"] = "alice",
            ["FaceSorter:Immich:Url"] = "http://immich:2283",
            ["FaceSorter:Web:NotifyUrl"] = "",
            ["FaceSorter:Totally"] = "1",
            ["FaceSorter:Imich:Url"] = "http://immich:2283", // a misspelt section: its settings keep their defaults
            ["Serilog:MinimumLevel:Default"] = "Debug",
        }).Build();

        UnknownSettings.Find(configuration).Should().BeEquivalentTo(new (string, string?)[]
        {
            ("FaceSorter:SettelTime", "FaceSorter:SettleTime"),
            ("FaceSorter:Immich:MaxConcurentRequests", "FaceSorter:Immich:MaxConcurrentRequests"),
            ("FaceSorter:Totally", null),
            ("FaceSorter:Imich", "FaceSorter:Immich"),
        });
    }

    [Fact]
    public void Every_setting_of_every_options_class_and_of_the_shipped_config_is_known()
    {
        var everySetting = ConfigValues.Bound
            .SelectMany(bound => bound.Type.GetProperties().Where(property => property.CanWrite).Select(property => $"{bound.Section}:{property.Name}"))
            .Distinct()
            .ToDictionary(key => key, _ => (string?)"1");
        var shipped = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(ConfigValuesTests.RepositoryRoot(), "etc", "facesorter.json"))
            .AddInMemoryCollection(everySetting)
            .Build();

        UnknownSettings.Find(shipped).Should().BeEmpty();
    }
}
