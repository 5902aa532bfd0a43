using FaceSorter.Options;

namespace FaceSorter.Tests.Options;

/// <summary>A leading tilde in a config path is expanded as a shell would (POSIX.1-2017, 2.6.1), ~name too.</summary>
public sealed class ConfigLocationTests
{
    private static readonly string Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    [Theory]
    [InlineData("~", "{home}")]
    [InlineData("~/data", "{home}/data")]
    [InlineData("~root", "/root")]
    [InlineData("~root/data", "/root/data")]
    [InlineData("~no-such-account-here/data", "~no-such-account-here/data")]
    [InlineData("data/~/x", "data/~/x")]
    [InlineData("/srv/~root", "/srv/~root")]
    public void A_leading_tilde_is_the_home_folder_of_the_user_or_of_the_named_account(string path, string expected)
    {
        // ~name/ was taken literally (a new-user trial): only ~/ was expanded.
        ConfigLocation.ExpandHome(path).Should().Be(expected.Replace("{home}", Home, StringComparison.Ordinal));
    }

    [Fact]
    public void A_relative_path_resolves_against_the_config_files_folder_and_a_tilde_one_against_the_home_folder()
    {
        var location = new ConfigLocation("/etc/facesorter/facesorter.json");

        location.Resolve("data").Should().Be("/etc/facesorter/data");
        location.Resolve("~root/data").Should().Be("/root/data");
    }
}
