using System.Net.Http.Json;
using System.Text.Json;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.IntegrationTests.Web.Support;
using FaceSorter.Storage;
using Microsoft.Playwright;

namespace FaceSorter.IntegrationTests.Web;

/// <summary>
/// The review page in a real Chromium against the real host: approve, reject, skip and bulk approve
/// through the page, then the files on disk and the records are checked. Saves the queue page to
/// docs/review-page.png for the README.
/// </summary>
public sealed class ReviewPageTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));
    private WebHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    private CancellationToken Token => _timeout.Token;

    public async ValueTask InitializeAsync()
    {
        _host = await WebHost.StartAsync(_folder.Path, Token);
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _host.DisposeAsync();
        Dispose();
    }

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Approve_reject_skip_and_bulk_approve_through_the_page_move_the_files_and_record_them()
    {
        Directory.CreateDirectory(Path.Combine(_host.Faces, "alice"));
        var one = await _host.GivenReviewItemAsync("unidentified", "unknown_one.jpg", Token, suggested: "alice");
        var two = await _host.GivenReviewItemAsync("low_confidence", "lowconf_two.jpg", Token, suggested: "bob");
        var three = await _host.GivenReviewItemAsync("multiple_faces", "multi_three.jpg", Token);
        var four = await _host.GivenReviewItemAsync("unidentified", "unknown_four.jpg", Token);
        var five = await _host.GivenReviewItemAsync("unidentified", "unknown_five.jpg", Token);
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 760 } });
        await page.GotoAsync(_host.Address.ToString());
        await Assertions.Expect(page.Locator(".card")).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator(".cat[data-category='unidentified']")).ToHaveTextAsync("unidentified (3)");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.thumb')].every(img => img.complete && img.naturalWidth > 0)");
        var docs = Path.Combine(Browser.RepositoryRoot(), "docs");
        Directory.CreateDirectory(docs);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(docs, "review-page.png"), FullPage = true });

        // Approve one into an existing person (the suggestion is prefilled; the picker lists faces/).
        await Assertions.Expect(page.Locator("#people option[value='alice']")).ToHaveCountAsync(1);
        await Card(page, one).Locator(".approve").ClickAsync();
        await Assertions.Expect(Card(page, one)).ToHaveCountAsync(0);
        File.Exists(Path.Combine(_host.Faces, "alice", "one.jpg")).Should().BeTrue();
        File.Exists(Path.Combine(_host.Review, "unidentified", "unknown_one.jpg")).Should().BeFalse();
        await ShouldBeDecidedAsync(one, ReviewAction.Approved);

        // Reject (delete) asks once more before acting.
        await Card(page, two).Locator(".reject").ClickAsync();
        File.Exists(Path.Combine(_host.Review, "low_confidence", "lowconf_two.jpg")).Should().BeTrue("the first click only arms the button");
        await Card(page, two).Locator(".reject").ClickAsync();
        await Assertions.Expect(Card(page, two)).ToHaveCountAsync(0);
        File.Exists(Path.Combine(_host.Review, "low_confidence", "lowconf_two.jpg")).Should().BeFalse();
        await ShouldBeDecidedAsync(two, ReviewAction.Rejected);

        // Skip hides the card and changes nothing.
        await Card(page, five).Locator(".skip").ClickAsync();
        await Assertions.Expect(Card(page, five)).ToHaveCountAsync(0);
        File.Exists(Path.Combine(_host.Review, "unidentified", "unknown_five.jpg")).Should().BeTrue();
        (await _host.RecordAsync(five, Token)).Action.Should().Be(ReviewAction.Pending);

        // Bulk approve two items into a new person.
        await Card(page, three).Locator(".select").CheckAsync();
        await Card(page, four).Locator(".select").CheckAsync();
        await Assertions.Expect(page.Locator("#selected-count")).ToHaveTextAsync("2 selected");
        await page.Locator("#bulk-person").FillAsync("New Person");
        await page.Locator("#bulk-approve").ClickAsync();
        await Assertions.Expect(page.Locator(".card")).ToHaveCountAsync(0);
        File.Exists(Path.Combine(_host.Faces, "new_person", "three.jpg")).Should().BeTrue();
        File.Exists(Path.Combine(_host.Faces, "new_person", "four.jpg")).Should().BeTrue();
        await ShouldBeDecidedAsync(three, ReviewAction.Approved);
        await ShouldBeDecidedAsync(four, ReviewAction.Approved);
        (await _host.RecordAsync(four, Token)).Should().Match<ReviewItem>(item => item.SuggestedPerson == "new_person");
    }

    [Fact]
    public async Task Bulk_delete_through_the_page_deletes_only_the_selected_files()
    {
        var one = await _host.GivenReviewItemAsync("duplicates", "duplicate_one.jpg", Token);
        var two = await _host.GivenReviewItemAsync("duplicates", "duplicate_two.jpg", Token);
        var kept = await _host.GivenReviewItemAsync("duplicates", "duplicate_kept.jpg", Token);
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        await page.GotoAsync(_host.Address + "#/queue");
        await Assertions.Expect(page.Locator(".card")).ToHaveCountAsync(3);

        await Card(page, one).Locator(".select").CheckAsync();
        await Card(page, two).Locator(".select").CheckAsync();
        await page.Locator("#bulk-reject").ClickAsync();
        await page.Locator("#bulk-reject").ClickAsync();

        await Assertions.Expect(page.Locator(".card")).ToHaveCountAsync(1);
        Directory.GetFiles(Path.Combine(_host.Review, "duplicates")).Select(Path.GetFileName).Should().Equal("duplicate_kept.jpg");
        await ShouldBeDecidedAsync(one, ReviewAction.Rejected);
        await ShouldBeDecidedAsync(two, ReviewAction.Rejected);
        (await _host.RecordAsync(kept, Token)).Action.Should().Be(ReviewAction.Pending);
    }

    [Fact]
    public async Task A_near_duplicates_reason_and_earlier_path_are_shown_whole_on_a_narrow_screen_never_cut_off()
    {
        var earlier = Path.Combine(_host.Faces, "alice_with_a_rather_long_name", "instagram_2026-11-30_the_whole_original_download_name_1234567890.jpg");
        WebHost.WriteImage(earlier);
        var reason = $"near copy of {earlier} (distance 3 of 64; this 600×400, earlier 1200×800: the earlier one has more pixels)";
        var id = await _host.GivenReviewItemAsync("duplicates", "similar_copy.jpg", Token, earlierCopy: earlier, reason: reason);
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        await page.GotoAsync(_host.Address + "#/queue");
        await Assertions.Expect(Card(page, id)).ToHaveCountAsync(1);

        await Assertions.Expect(Card(page, id).Locator(".reason")).ToHaveTextAsync($"duplicates: {reason}");
        await Assertions.Expect(Card(page, id).Locator(".earlier-path")).ToHaveTextAsync($"looks like {earlier}");
        foreach (var part in new[] { ".reason", ".earlier-path" })
        {
            // Every line of the text lies inside the card, which clips what overflows it.
            var inside = await Card(page, id).Locator(part).EvaluateAsync<bool>(
                "(element) => { const card = element.closest('.card').getBoundingClientRect(); const range = document.createRange(); range.selectNodeContents(element); "
                + "return [...range.getClientRects()].every((line) => line.left >= card.left - 0.5 && line.right <= card.right + 0.5) && element.scrollWidth <= element.clientWidth; }");
            inside.Should().BeTrue($"{part} wraps inside the card instead of being cut off");
        }
    }

    [Fact]
    public async Task Status_page_pauses_and_resumes_sorting_and_the_stats_page_draws_its_charts()
    {
        await _host.GivenReviewItemAsync("unidentified", "unknown_a.jpg", Token);
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        await page.GotoAsync(_host.Address + "#/status");

        await Assertions.Expect(page.Locator("#status-enabled")).ToHaveTextAsync("running");
        await page.Locator("#pause").ClickAsync();
        await Assertions.Expect(page.Locator("#status-enabled")).ToHaveTextAsync("paused");
        (await StatusAsync()).GetProperty("enabled").GetBoolean().Should().BeFalse();
        await page.Locator("#resume").ClickAsync();
        await Assertions.Expect(page.Locator("#status-enabled")).ToHaveTextAsync("running");
        (await StatusAsync()).GetProperty("enabled").GetBoolean().Should().BeTrue();

        await page.GotoAsync(_host.Address + "#/stats");
        await Assertions.Expect(page.Locator("#chart-days svg rect")).ToHaveCountAsync(28);
        await Assertions.Expect(page.Locator("#chart-categories .row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#chart-categories .row")).ToContainTextAsync("unidentified");
        await Assertions.Expect(page.Locator("#figures")).ToContainTextAsync("waiting");
        await Assertions.Expect(page.Locator("#figures")).ToContainTextAsync("exact duplicates");
        await Assertions.Expect(page.Locator("#figures")).ToContainTextAsync("near duplicates");
    }

    [Fact]
    public async Task With_a_token_the_page_opened_with_it_loads_its_stylesheet_and_script_and_shows_the_queue()
    {
        using var folder = new TempFolder();
        await using var host = await WebHost.StartAsync(folder.Path, Token, token: "s3cret-token");
        var one = await host.GivenReviewItemAsync("unidentified", "unknown_one.jpg", Token);
        var two = await host.GivenReviewItemAsync("low_confidence", "lowconf_two.jpg", Token);
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 760 } });
        var refused = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status == 401)
            {
                refused.Add(response.Url);
            }
        };

        await page.GotoAsync(host.Address + "?token=s3cret-token#/queue");

        await Assertions.Expect(page.Locator(".card")).ToHaveCountAsync(2);
        await Assertions.Expect(Card(page, one)).ToHaveCountAsync(1);
        await Assertions.Expect(Card(page, two)).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#grid")).ToHaveCSSAsync("display", "grid");
        await Assertions.Expect(page.Locator("header")).ToHaveCSSAsync("background-color", "rgb(29, 35, 39)");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.thumb')].every(img => img.complete && img.naturalWidth > 0)");
        await Assertions.Expect(page.Locator("#message")).ToBeHiddenAsync();
        refused.Should().BeEmpty("the shell loads without the token and app.js sends it on every API call and image");
    }

    [Fact]
    public async Task With_a_token_the_page_opened_without_it_says_how_to_open_it_and_shows_no_data()
    {
        using var folder = new TempFolder();
        await using var host = await WebHost.StartAsync(folder.Path, Token, token: "s3cret-token");
        await host.GivenReviewItemAsync("unidentified", "unknown_one.jpg", Token);
        var page = await _browser.NewPageAsync();

        await page.GotoAsync(host.Address + "#/queue");

        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("?token=");
        await Assertions.Expect(page.Locator("header")).ToHaveCSSAsync("background-color", "rgb(29, 35, 39)");
        await Assertions.Expect(page.Locator(".card")).ToHaveCountAsync(0);
    }

    private static ILocator Card(IPage page, long id) => page.Locator($".card[data-id='{id}']");

    private async Task ShouldBeDecidedAsync(long id, ReviewAction action)
    {
        var record = await _host.RecordAsync(id, Token);
        record.Action.Should().Be(action);
        record.ReviewedBy.Should().Be("web");
    }

    private async Task<JsonElement> StatusAsync() =>
        await _host.Client.GetFromJsonAsync<JsonElement>(new Uri("/api/smart-download/status", UriKind.Relative), Token);
}
