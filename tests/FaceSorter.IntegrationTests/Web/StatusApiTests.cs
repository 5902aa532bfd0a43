using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.IntegrationTests.Web.Support;

namespace FaceSorter.IntegrationTests.Web;

/// <summary>Status, pause/resume, rule lists, stats and the token, over real HTTP against the real host.</summary>
public sealed class StatusApiTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    private CancellationToken Token => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Status_reports_sorting_immich_and_queue_depth()
    {
        await using var host = await WebHost.StartAsync(_folder.Path, Token);

        var status = await GetJsonAsync(host, "/api/smart-download/status");

        status.GetProperty("enabled").GetBoolean().Should().BeTrue();
        status.GetProperty("immich").GetString().Should().BeOneOf("not_checked", "up", "down");
        status.GetProperty("queue_depth").GetInt32().Should().BeGreaterThanOrEqualTo(0);
        status.GetProperty("in_review").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task Immich_is_not_checked_yet_until_the_daemon_has_asked_it_at_start_then_up()
    {
        await using var immich = await ImmichEmulator.StartAsync("2.7.5", Token);
        immich.Delay("GET /api/server/version", TimeSpan.FromSeconds(3), times: 1);
        await using var host = await WebHost.StartAsync(_folder.Path, Token, immich: (immich.Url, immich.ApiKey));

        var before = await GetJsonAsync(host, "/api/smart-download/status");
        before.GetProperty("immich").GetString().Should().Be("not_checked", "nothing has been asked yet: Immich's answer is held back 3 s");

        await Eventually.UntilAsync(
            async () => (await GetJsonAsync(host, "/api/smart-download/status")).GetProperty("immich").GetString() == "up",
            TimeSpan.FromSeconds(20),
            "the daemon asks Immich at start",
            Token);
        immich.CountRequests("GET", "/api/server/version").Should().Be(1, "the start-up answer is the one the face service keeps");
    }

    [Fact]
    public async Task Paused_sorting_survives_a_restart_and_leaves_files_in_the_drop_folder_until_resumed()
    {
        await using (var host = await WebHost.StartAsync(_folder.Path, Token))
        {
            using var disable = await host.Client.PostAsync(new Uri("/api/smart-download/disable", UriKind.Relative), null, Token);
            (await disable.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("enabled").GetBoolean().Should().BeFalse();
        }

        await using var restarted = await WebHost.StartAsync(_folder.Path, Token);
        (await GetJsonAsync(restarted, "/api/smart-download/status")).GetProperty("enabled").GetBoolean().Should().BeFalse();
        var dropped = Path.Combine(restarted.Inbox, "notes.jpg");
        await File.WriteAllTextAsync(dropped, "not an image: sorted to review/unidentified once sorting runs", Token);
        var invalid = Path.Combine(restarted.Review, "unidentified", "invalid_notes.jpg");

        // A negative check needs some waiting: ten settle times (0.2 s each) without the file moving.
        await Eventually.HoldsForAsync(() => File.Exists(dropped), TimeSpan.FromSeconds(2), "sorting is paused", Token);

        using var enable = await restarted.Client.PostAsync(new Uri("/api/smart-download/enable", UriKind.Relative), null, Token);
        enable.StatusCode.Should().Be(HttpStatusCode.OK);
        await Eventually.UntilAsync(() => File.Exists(invalid) && !File.Exists(dropped), TimeSpan.FromSeconds(20), "sorting resumed", Token);
    }

    [Fact]
    public async Task Rule_lists_are_persisted_sanitised_and_bad_entries_are_refused()
    {
        await using (var host = await WebHost.StartAsync(_folder.Path, Token))
        {
            using var white = await host.Client.PutAsJsonAsync(new Uri("/api/smart-download/config/whitelist", UriKind.Relative), new[] { "Alice", "Bob Smith" }, Token);
            white.StatusCode.Should().Be(HttpStatusCode.OK);
            using var black = await host.Client.PutAsJsonAsync(new Uri("/api/smart-download/config/blacklist", UriKind.Relative), new { blacklist = new[] { "Mallory" } }, Token);
            black.StatusCode.Should().Be(HttpStatusCode.OK);

            using var unusable = await host.Client.PutAsJsonAsync(new Uri("/api/smart-download/config/whitelist", UriKind.Relative), new[] { "!!!" }, Token);
            unusable.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            unusable.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            using var wrongShape = await host.Client.PutAsJsonAsync(new Uri("/api/smart-download/config/blacklist", UriKind.Relative), new { names = 3 }, Token);
            wrongShape.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        }

        await using var restarted = await WebHost.StartAsync(_folder.Path, Token);
        var config = await GetJsonAsync(restarted, "/api/smart-download/config");
        config.GetProperty("whitelist").EnumerateArray().Select(entry => entry.GetString()).Should().Equal("alice", "bob_smith");
        config.GetProperty("blacklist").EnumerateArray().Select(entry => entry.GetString()).Should().Equal("mallory");
        config.GetProperty("min_confidence").GetDouble().Should().Be(0.6);
    }

    [Fact]
    public async Task Stats_use_the_seed_shape_with_a_per_day_series()
    {
        await using var host = await WebHost.StartAsync(_folder.Path, Token);
        await host.GivenReviewItemAsync("unidentified", "unknown_a.jpg", Token);

        var today = await GetJsonAsync(host, "/api/smart-download/stats/today");
        var summary = await GetJsonAsync(host, "/api/smart-download/stats/summary?days=5");

        today.GetProperty("in_review").GetInt32().Should().Be(1);
        today.GetProperty("days").GetInt32().Should().Be(1);
        summary.GetProperty("auto_sorted").GetInt32().Should().Be(0);
        summary.GetProperty("by_category").GetProperty("unidentified").GetInt32().Should().Be(1);
        summary.GetProperty("success_rate").GetDouble().Should().Be(0);
        summary.GetProperty("per_day").GetArrayLength().Should().Be(5);
        summary.GetProperty("per_day")[4].GetProperty("new_in_review").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task With_a_token_every_data_request_must_carry_it_and_only_the_page_shell_is_served_without()
    {
        await using var host = await WebHost.StartAsync(_folder.Path, Token, token: "s3cret-token");
        using var anonymous = new HttpClient { BaseAddress = host.Address };

        using var refused = await anonymous.GetAsync(new Uri("/api/smart-download/status", UriKind.Relative), Token);
        using var shell = await anonymous.GetAsync(new Uri("/", UriKind.Relative), Token);
        using var script = await anonymous.GetAsync(new Uri("/app.js", UriKind.Relative), Token);
        using var styles = await anonymous.GetAsync(new Uri("/app.css", UriKind.Relative), Token);
        using var refusedQueue = await anonymous.GetAsync(new Uri("/api/smart-download/review/queue", UriKind.Relative), Token);
        using var refusedFile = await anonymous.GetAsync(new Uri("/api/smart-download/review/1/file", UriKind.Relative), Token);
        using var wrong = await anonymous.GetAsync(new Uri("/api/smart-download/status?token=guess", UriKind.Relative), Token);
        using var bearer = await host.Client.GetAsync(new Uri("/api/smart-download/status", UriKind.Relative), Token);
        using var page = await anonymous.GetAsync(new Uri("/?token=s3cret-token", UriKind.Relative), Token);
        using var header = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/smart-download/disable", UriKind.Relative));
        header.Headers.Add("X-FaceSorter-Token", "s3cret-token");
        using var viaHeader = await anonymous.SendAsync(header, Token);

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        refused.Headers.WwwAuthenticate.ToString().Should().Be("Bearer");
        (await refused.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("title").GetString().Should().Be("Token required");
        shell.StatusCode.Should().Be(HttpStatusCode.OK, "the HTML, JS and CSS hold no data and must load before the page can send the token");
        script.StatusCode.Should().Be(HttpStatusCode.OK);
        styles.StatusCode.Should().Be(HttpStatusCode.OK);
        refusedQueue.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refusedFile.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        wrong.Headers.WwwAuthenticate.ToString().Should().Be("Bearer error=\"invalid_token\"", "RFC 6750 §3: a token was sent and is not the one");
        (await wrong.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("title").GetString().Should().Be("Wrong token", "a user who typed the token wrong learns that, not to send one");
        bearer.StatusCode.Should().Be(HttpStatusCode.OK);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync(Token)).Should().Contain("FaceSorter");
        viaHeader.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private async Task<JsonElement> GetJsonAsync(WebHost host, string url)
    {
        using var response = await host.Client.GetAsync(new Uri(url, UriKind.Relative), Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Token));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Token);
    }
}
