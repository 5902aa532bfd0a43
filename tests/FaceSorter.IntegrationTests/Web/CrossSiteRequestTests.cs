using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.IntegrationTests.Web.Support;
using FaceSorter.Storage;
using Microsoft.Playwright;

namespace FaceSorter.IntegrationTests.Web;

/// <summary>
/// Another site's page in the user's browser cannot change anything through the API, nor reach it
/// under a name that resolves to loopback (DNS rebinding); the server's own page and clients that are
/// not browsers (curl, scripts) can (docs/contracts.md, "HTTP"). A new user's trial deleted review
/// files from a page of another origin with a <c>no-cors</c> fetch.
/// </summary>
public sealed class CrossSiteRequestTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    private CancellationToken Token => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_page_of_another_site_in_a_real_browser_cannot_reject_a_review_file_or_pause_sorting()
    {
        await using var host = await WebHost.StartAsync(_folder.Path, Token);
        var id = await host.GivenReviewItemAsync("duplicates", "duplicate_victim.jpg", Token);
        // The attacker's page: another site on this machine (a local dev server, say; Chromium keeps public
        // sites' pages from loopback addresses, other browsers do not), served by a real server.
        // localhost is another site than 127.0.0.1.
        var api = host.Address.ToString().TrimEnd('/') + "/api/smart-download";
        await using var attacker = await StaticPage.StartAsync($$"""
            <script>
            Promise.allSettled([
              fetch('{{api}}/review/{{id}}/reject', { method: 'POST', mode: 'no-cors' }),
              fetch('{{api}}/disable', { method: 'POST', mode: 'no-cors' }),
            ]).then(() => document.title = 'sent');
            </script>
            """, Token);
        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(attacker.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
            await Eventually.UntilAsync(async () => await page.TitleAsync() == "sent", TimeSpan.FromSeconds(20), "the page sent both requests", Token);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }

        File.Exists(Path.Combine(host.Review, "duplicates", "duplicate_victim.jpg")).Should().BeTrue("another site's page deleted it before");
        (await host.RecordAsync(id, Token)).Action.Should().Be(ReviewAction.Pending);
        var status = await host.Client.GetFromJsonAsync<JsonElement>(new Uri("/api/smart-download/status", UriKind.Relative), Token);
        status.GetProperty("enabled").GetBoolean().Should().BeTrue("sorting was not paused either");
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site", "Sec-Fetch-Site: cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site", "Sec-Fetch-Site: same-site")]
    [InlineData("Origin", "http://localhost:8899", "a page of http://localhost:8899")]
    [InlineData("Origin", "null", "a page of null")]
    public async Task A_change_a_browser_says_comes_from_another_page_is_refused_and_logged(string header, string value, string detail)
    {
        await using var host = await WebHost.StartAsync(_folder.Path, Token);
        var id = await host.GivenReviewItemAsync("duplicates", "duplicate_a.jpg", Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/smart-download/review/{id}/reject", UriKind.Relative));
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await host.Client.SendAsync(request, Token);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("detail").GetString().Should().Contain(detail);
        File.Exists(Path.Combine(host.Review, "duplicates", "duplicate_a.jpg")).Should().BeTrue();
        (await host.RecordAsync(id, Token)).Action.Should().Be(ReviewAction.Pending);
        await Eventually.UntilAsync(async () => (await ReadLogAsync(host)).Contains("Refused POST /api/smart-download/review/", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the refusal is logged", Token);
    }

    [Theory]
    [InlineData(null, null)] // curl, a script: no browser headers
    [InlineData("Sec-Fetch-Site", "same-origin")]
    [InlineData("Sec-Fetch-Site", "none")] // typed into the address bar
    [InlineData("Origin", "own")]
    public async Task A_change_from_the_servers_own_page_or_from_no_browser_is_carried_out(string? header, string? value)
    {
        await using var host = await WebHost.StartAsync(_folder.Path, Token);
        var id = await host.GivenReviewItemAsync("duplicates", "duplicate_b.jpg", Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/smart-download/review/{id}/reject", UriKind.Relative));
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(header, value == "own" ? host.Address.ToString().TrimEnd('/') : value);
        }

        using var response = await host.Client.SendAsync(request, Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await host.RecordAsync(id, Token)).Action.Should().Be(ReviewAction.Rejected);
    }

    [Theory]
    [InlineData("evil.example", false)]
    [InlineData("192.168.1.20:8765", false)]
    [InlineData("localhost", true)]
    [InlineData("localhost.:8765", true)]
    [InlineData("evil.example.", false)]
    [InlineData("facesorter.localhost", true)]
    [InlineData("[::1]:8765", true)]
    public async Task Without_a_token_only_loopback_names_are_answered_so_dns_rebinding_reads_nothing(string hostHeader, bool answered)
    {
        await using var host = await WebHost.StartAsync(_folder.Path, Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/smart-download/review/queue", UriKind.Relative));
        request.Headers.Host = hostHeader;

        using var response = await host.Client.SendAsync(request, Token);

        if (answered)
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            return;
        }

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("detail").GetString().Should().Contain($"'{hostHeader}' is not a loopback name").And.Contain("FaceSorter:Web:Token");
    }

    [Fact]
    public async Task With_a_token_any_name_is_answered_as_no_other_page_knows_the_token()
    {
        await using var host = await WebHost.StartAsync(_folder.Path, Token, token: "s3cret-token");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/smart-download/review/queue", UriKind.Relative));
        request.Headers.Host = "facesorter.example.org";

        using var response = await host.Client.SendAsync(request, Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task With_a_token_a_page_behind_a_proxy_that_rewrites_the_host_can_still_act_but_another_site_cannot()
    {
        // nginx's default proxy_pass sends the backend's name as Host, and browsers send no Sec-Fetch-Site to a
        // plain-HTTP site that is not localhost: the page's own Origin then differs from the Host seen (helper-67).
        await using var host = await WebHost.StartAsync(_folder.Path, Token, token: "s3cret-token");
        var id = await host.GivenReviewItemAsync("duplicates", "duplicate_c.jpg", Token);
        using var proxied = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/smart-download/review/{id}/reject", UriKind.Relative));
        proxied.Headers.TryAddWithoutValidation("Origin", "http://photos.lan");
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/smart-download/disable", UriKind.Relative));
        crossSite.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");

        using var fromProxy = await host.Client.SendAsync(proxied, Token);
        using var fromAnotherSite = await host.Client.SendAsync(crossSite, Token);

        fromProxy.StatusCode.Should().Be(HttpStatusCode.OK);
        fromAnotherSite.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_page_may_not_be_framed_by_another_site()
    {
        await using var host = await WebHost.StartAsync(_folder.Path, Token);

        using var response = await host.Client.GetAsync(new Uri("/", UriKind.Relative), Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("X-Frame-Options").Should().Equal("DENY");
        response.Headers.GetValues("Content-Security-Policy").Should().Equal("frame-ancestors 'none'");
    }

    private static async Task<string> ReadLogAsync(WebHost host)
    {
        await using var stream = new FileStream(Path.Combine(host.Root, "logs", "facesorter.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
