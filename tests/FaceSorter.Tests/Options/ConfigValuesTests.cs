using System.Reflection;
using FaceSorter.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FaceSorter.Tests.Options;

/// <summary>
/// Issue 14, found in a new-user trial: a number, duration, switch or choice that does not read as one
/// stops start-up naming the key, the bad value and what is accepted (docs/contracts.md, "Configuration"),
/// for every such option of every options class, and a value the binder reads is never refused.
/// </summary>
public sealed class ConfigValuesTests
{
    public static TheoryData<string> EveryKey() => [.. ConfigValues.Keys().Select(key => key.Key)];

    [Theory]
    [MemberData(nameof(EveryKey))]
    public void A_value_that_does_not_read_as_its_kind_names_the_key_the_value_and_what_is_accepted(string key)
    {
        var check = () => ConfigValues.Check(Config((key, "twelve")));

        var failure = check.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle().Which;
        failure.Should().StartWith($"{key} = 'twelve' is not valid: use ");
        var kind = ConfigValues.Keys().Single(known => known.Key == key).Type;
        failure.Should().Contain(
            kind == typeof(bool) ? "true or false"
            : kind.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(kind))}"
            : kind == typeof(TimeSpan) ? "a duration as hh:mm:ss"
            : kind == typeof(double) ? "a number with a dot for decimals, e.g. "
            : "a whole number (digits only), e.g. ");
    }

    [Theory]
    [InlineData("FaceSorter:NearDuplicateMaxDistance", "12.5", "a whole number (digits only), e.g. 12")]
    [InlineData("FaceSorter:MinConfidence", "0,6", "a number with a dot for decimals, e.g. 0.6")]
    [InlineData("FaceSorter:SettleTime", "2s", "a duration as hh:mm:ss (d.hh:mm:ss for days; seconds may have decimals), e.g. 00:00:02")]
    [InlineData("FaceSorter:Review:AutoMoveOnRecheck", "yes", "true or false")]
    [InlineData("FaceSorter:Watching", "Sometimes", "one of Auto, Events, Poll")]
    [InlineData("FaceSorter:Database:Provider", "7", "one of Sqlite, Postgres")]
    [InlineData("FaceSorter:Web:NotifyBatchSize", "ten", "a whole number (digits only), e.g. 10")]
    public void A_bad_value_of_each_kind_says_exactly_what_is_accepted_with_the_default_as_example(string key, string value, string accepted)
    {
        var check = () => ConfigValues.Check(Config((key, value)));

        check.Should().Throw<OptionsValidationException>().Which.Failures.Should().Equal($"{key} = '{value}' is not valid: use {accepted}");
    }

    [Theory]
    [InlineData("FaceSorter:Review:RejectGrace", "5", "e.g. 00:00:05 for 5 seconds, or 5.00:00:00 for 5 days")]
    [InlineData("FaceSorter:SettleTime", "30", "e.g. 00:00:30 for 30 seconds, or 30.00:00:00 for 30 days")]
    [InlineData("FaceSorter:EmptyFileTimeout", "600", "e.g. 00:10:00 for 600 seconds, or 600.00:00:00 for 600 days")]
    [InlineData("FaceSorter:RescanInterval", " 90 ", "e.g. 00:01:30 for 90 seconds, or 90.00:00:00 for 90 days")]
    [InlineData("FaceSorter:RescanInterval", "-5", "e.g. 00:00:05 for five seconds, or 1.00:00:00 for a day")]
    public void A_duration_given_as_a_number_alone_is_refused_since_dotnet_reads_it_as_days(string key, string value, string example)
    {
        // Trials: "RejectGrace": "5" was five days, and a deleted review file stayed pending; "SettleTime": 5 blamed
        // BlindSettleTime; the first fix suggested 00:00:600, which is refused too.
        var check = () => ConfigValues.Check(Config((key, value)));

        check.Should().Throw<OptionsValidationException>().Which.Failures.Should().Equal(
            $"{key} = '{value}' is not valid: a number alone is read as days. Fix: write the duration as hh:mm:ss, {example}");
        if (example.Split(' ')[1] is var suggested && suggested.Contains(':', StringComparison.Ordinal))
        {
            var fixedUp = () => ConfigValues.Check(Config((key, suggested)));
            fixedUp.Should().NotThrow("the suggested fix reads");
        }
    }

    [Fact]
    public void Several_bad_values_are_all_named_at_once()
    {
        var check = () => ConfigValues.Check(Config(("FaceSorter:SettleTime", "2s"), ("FaceSorter:Web:Enabled", "yes")));

        check.Should().Throw<OptionsValidationException>().Which.Failures.Should().HaveCount(2);
    }

    [Theory]
    [InlineData("FaceSorter:NearDuplicateMaxDistance", "0")]
    [InlineData("FaceSorter:MinConfidence", "1e-1")]
    [InlineData("FaceSorter:SettleTime", "00:00:00.300")]
    [InlineData("FaceSorter:Immich:FaceWaitTimeout", "1.00:00:00")]
    [InlineData("FaceSorter:Review:AutoMoveOnRecheck", "True")]
    [InlineData("FaceSorter:Watching", "poll")]
    [InlineData("FaceSorter:Immich:Mode", "machinelearning")]
    public void A_value_the_binder_reads_is_accepted(string key, string value)
    {
        var check = () => ConfigValues.Check(Config((key, value)));

        check.Should().NotThrow();
    }

    [Fact]
    public void The_shipped_config_file_passes()
    {
        var shipped = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryRoot(), "etc", "facesorter.json")).Build();

        var check = () => ConfigValues.Check(shipped);

        check.Should().NotThrow();
    }

    [Theory]
    [InlineData("FaceSorter:Whitelist", "alice", "FaceSorter:Whitelist = 'alice' is not valid: it is a list, not one value. Fix: write \"Whitelist\": [\"alice\"] in the config file, or FACESORTER__Whitelist__0=alice as variables")]
    [InlineData("FaceSorter:Blacklist", "bob, carol", "FaceSorter:Blacklist = 'bob, carol' is not valid: it is a list, not one value. Fix: write \"Blacklist\": [\"bob\", \"carol\"] in the config file, or FACESORTER__Blacklist__0=bob FACESORTER__Blacklist__1=carol as variables")]
    [InlineData("FaceSorter:Blacklist:a", "bob", "FaceSorter:Blacklist = {\"a\": \"bob\"} is not valid: it is a list, not an object with names. Fix: write \"Blacklist\": [\"bob\"] in the config file, or FACESORTER__Blacklist__0=bob as variables")]
    [InlineData("FaceSorter:Database", "Data Source=x.db", "FaceSorter:Database = 'Data Source=x.db' is not valid: it is a group of settings, not one value. Fix: write it as \"Database\": { \"Setting\": value, … } in the config file (see etc/facesorter.json), or set each as FACESORTER__Database__Setting=value")]
    [InlineData("FaceSorter:Immich:0", "http://immich:2283", "FaceSorter:Immich = [\"http://immich:2283\"] is not valid: it is a group of settings, not a list. Fix: write it as \"Immich\": { \"Setting\": value, … } in the config file (see etc/facesorter.json), or set each as FACESORTER__Immich__Setting=value")]
    [InlineData("FaceSorter:MinConfidence:0", "0.7", "FaceSorter:MinConfidence = [\"0.7\"] is not valid: it is one value, not a list. Fix: write \"MinConfidence\": \"0.6\" in the config file, or FACESORTER__MinConfidence=0.6")]
    [InlineData("FaceSorter:Immich:Url:Host", "immich", "FaceSorter:Immich:Url = {\"Host\": \"immich\"} is not valid: it is one value, not a group of settings. Fix: write \"Url\": \"http://localhost:2283\" in the config file, or FACESORTER__Immich__Url=http://localhost:2283")]
    public void A_setting_given_in_the_wrong_shape_names_the_key_what_was_given_and_how_to_write_it(string key, string value, string failure)
    {
        var check = () => ConfigValues.Check(Config((key, value)));

        check.Should().Throw<OptionsValidationException>().Which.Failures.Should().Equal(failure);
    }

    [Theory]
    [InlineData("FaceSorter:Whitelist:0", "alice")]
    [InlineData("FaceSorter:Whitelist", "")]
    [InlineData("FaceSorter:Database:ConnectionString", "Data Source=x.db")]
    public void A_list_as_a_list_and_an_empty_list_are_accepted(string key, string value)
    {
        var check = () => ConfigValues.Check(Config((key, value)));

        check.Should().NotThrow();
    }

    [Fact]
    public void Every_number_duration_switch_and_choice_of_every_options_class_is_checked()
    {
        var optionsClasses = typeof(ConfigValues).Assembly.GetTypes()
            .Where(type => type.Name.EndsWith("Options", StringComparison.Ordinal) && type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true });
        var expected = from type in optionsClasses
                       from property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                       let kind = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType
                       where property.CanWrite && (kind.IsPrimitive || kind.IsEnum || kind == typeof(TimeSpan) || kind == typeof(decimal))
                       select $"{type.GetField("Section")!.GetRawConstantValue()}:{property.Name}";

        ConfigValues.Keys().Select(key => key.Key).Should().BeEquivalentTo(expected.Distinct());
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(value => new KeyValuePair<string, string?>(value.Key, value.Value))).Build();

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "FaceSorter.sln")))
        {
            directory = directory.Parent;
        }

        return directory.FullName;
    }
}
