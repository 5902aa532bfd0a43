using Microsoft.Playwright;

namespace FaceSorter.IntegrationTests.Web.Support;

/// <summary>
/// Debian's Chromium driven by Playwright for .NET through <c>ExecutablePath</c> (Playwright's own
/// browser download cannot work on these machines). A missing Chromium fails the test with the fix.
/// </summary>
public static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    // Without the background-networking flags Chromium keeps dialling Google's hosts, which the
    // closed network refuses; --no-sandbox because the tests run as root.
    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        File.Exists(ChromiumPath).Should().BeTrue($"the browser tests drive Debian's Chromium at {ChromiumPath}: install it with `apt-get install -y chromium`");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = Arguments,
        });
        return (playwright, browser);
    }

    /// <summary>The repository root (where FaceSorter.sln is), for artefacts committed with the code such as docs/review-page.png.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FaceSorter.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"FaceSorter.sln not found above {AppContext.BaseDirectory}");
    }
}
