using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.IntegrationTests.Web.Support;
using FaceSorter.Storage;

namespace FaceSorter.IntegrationTests.Web;

/// <summary>The review API over real HTTP against the real host and a real SQLite store.</summary>
public sealed class ReviewApiTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private WebHost _host = null!;

    private CancellationToken Token => _timeout.Token;

    public async ValueTask InitializeAsync() => _host = await WebHost.StartAsync(_folder.Path, Token);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Dispose();
    }

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Queue_pages_the_pending_items_and_counts_each_category()
    {
        for (var i = 0; i < 3; i++)
        {
            await _host.GivenReviewItemAsync("unidentified", $"unknown_{i}.jpg", Token, suggested: "alice");
        }

        await _host.GivenReviewItemAsync("low_confidence", "lowconf_a.jpg", Token);

        var first = await GetJsonAsync("/api/smart-download/review/queue?page=1&size=2");
        first.GetProperty("total").GetInt32().Should().Be(4);
        first.GetProperty("pages").GetInt32().Should().Be(2);
        first.GetProperty("items").GetArrayLength().Should().Be(2);
        first.GetProperty("counts").GetProperty("unidentified").GetInt32().Should().Be(3);
        first.GetProperty("counts").GetProperty("low_confidence").GetInt32().Should().Be(1);
        first.GetProperty("counts").GetProperty("duplicates").GetInt32().Should().Be(0);
        var item = first.GetProperty("items")[0];
        item.GetProperty("filename").GetString().Should().Be("unknown_0.jpg");
        item.GetProperty("suggested_person").GetString().Should().Be("alice");
        item.GetProperty("action").GetString().Should().Be("pending");

        var second = await GetJsonAsync("/api/smart-download/review/queue?page=2&size=2");
        second.GetProperty("items").GetArrayLength().Should().Be(2);

        var category = await GetJsonAsync("/api/smart-download/review/queue/low_confidence");
        category.GetProperty("total").GetInt32().Should().Be(1);
        category.GetProperty("items")[0].GetProperty("filename").GetString().Should().Be("lowconf_a.jpg");
    }

    [Theory]
    [InlineData("/api/smart-download/review/queue/holidays", HttpStatusCode.NotFound)]
    [InlineData("/api/smart-download/review/queue/..%2F..%2Fetc", HttpStatusCode.NotFound)]
    [InlineData("/api/smart-download/review/queue?page=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/smart-download/review/queue?page=abc", HttpStatusCode.BadRequest)]
    [InlineData("/api/smart-download/review/queue?size=100000", HttpStatusCode.BadRequest)]
    [InlineData("/api/smart-download/stats/summary?days=0", HttpStatusCode.BadRequest)]
    public async Task Bad_queries_are_answered_with_problem_details(string url, HttpStatusCode expected)
    {
        using var response = await _host.Client.GetAsync(new Uri(url, UriKind.Relative), Token);

        response.StatusCode.Should().Be(expected);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).TryGetProperty("detail", out _).Should().BeTrue("a bad request says what was wrong");
    }

    [Theory]
    [InlineData("GET", "/api/smart-download/review/queue?page=abc", HttpStatusCode.BadRequest, "page = 'abc' is not valid: use a whole number")]
    [InlineData("GET", "/api/smart-download/review/queue?page=99999999999", HttpStatusCode.BadRequest, "page = '99999999999' is not valid: use a whole number within its range")]
    [InlineData("GET", "/api/smart-download/review/1/reject", HttpStatusCode.MethodNotAllowed, "/api/smart-download/review/1/reject does not take GET; it takes POST")]
    [InlineData("POST", "/api/smart-download/review/abc/reject", HttpStatusCode.NotFound, "nothing answers POST /api/smart-download/review/abc/reject")]
    public async Task A_value_that_is_not_a_number_is_named_without_the_servers_own_names(string method, string url, HttpStatusCode expected, string detail)
    {
        // A trial: "Failed to bind parameter \"Nullable<int> page\" from \"abc\"", and a bare 404.
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));

        using var response = await _host.Client.SendAsync(request, Token);

        response.StatusCode.Should().Be(expected);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("detail").GetString().Should().Contain(detail).And.NotContain("Nullable");
    }

    [Theory]
    [InlineData("{\"person\": ", "application/json", HttpStatusCode.BadRequest, "the request body is not the JSON approve takes: an object with the person's name as a string, {\"person\": \"Name\"}")]
    [InlineData("person=Dave", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType, "Content-Type: application/json")]
    [InlineData("{\"person\": 7}", "application/json", HttpStatusCode.BadRequest, "the person's name as a string")]
    [InlineData("[]", "application/json", HttpStatusCode.BadRequest, "the request body is not the JSON approve takes")]
    public async Task An_approval_whose_body_cannot_be_read_says_why_and_logs_no_error(string body, string mediaType, HttpStatusCode expected, string detail)
    {
        var id = await _host.GivenReviewItemAsync("unidentified", "unknown_u.jpg", Token);
        using var content = new StringContent(body, System.Text.Encoding.UTF8, mediaType);

        using var response = await _host.Client.PostAsync(new Uri($"/api/smart-download/review/{id}/approve", UriKind.Relative), content, Token);

        // It was a bare "Bad Request" (or "Unsupported Media Type"), no detail.
        response.StatusCode.Should().Be(expected);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        problem.GetProperty("detail").GetString().Should().Contain(detail).And.NotContain("ApproveRequest", "not the C# names");
        File.Exists(Path.Combine(_host.Review, "unidentified", "unknown_u.jpg")).Should().BeTrue();

        // The log is written in the background: a later decision's line shows that everything before it is there.
        using var later = await _host.Client.PostAsync(new Uri($"/api/smart-download/review/{id}/reject", UriKind.Relative), null, Token);
        later.StatusCode.Should().Be(HttpStatusCode.OK);
        await Eventually.UntilAsync(async () => (await ReadLogAsync()).Contains("rejected by web", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the rejection reaches the log file", Token);
        (await ReadLogAsync()).Should().NotContain("unhandled exception", "a client's mistake is not the server's error").And.NotContain("   at ");
    }

    [Fact]
    public async Task Approval_moves_the_file_into_the_sanitised_person_folder_and_records_it_once()
    {
        var id = await _host.GivenReviewItemAsync("unidentified", "unknown_x.jpg", Token);
        var original = Path.Combine(_host.Review, "unidentified", "unknown_x.jpg");

        using var response = await _host.Client.PostAsJsonAsync(new Uri($"/api/smart-download/review/{id}/approve", UriKind.Relative), new { person = "John Doe" }, Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var moved = Path.Combine(_host.Faces, "john_doe", "x.jpg");
        File.Exists(moved).Should().BeTrue();
        File.Exists(original).Should().BeFalse();
        var record = await _host.RecordAsync(id, Token);
        record.Action.Should().Be(ReviewAction.Approved);
        record.ReviewedBy.Should().Be("web");
        record.FilePath.Should().Be(moved);
        var stats = await _host.Store.GetStatsAsync(1, TimeProvider.System.GetUtcNow(), Token);
        stats.ByPerson.Should().Equal(new Dictionary<string, int> { ["john_doe"] = 1 });

        using var again = await _host.Client.PostAsJsonAsync(new Uri($"/api/smart-download/review/{id}/approve", UriKind.Relative), new { person = "John Doe" }, Token);
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await _host.Store.GetStatsAsync(1, TimeProvider.System.GetUtcNow(), Token)).ByPerson["john_doe"].Should().Be(1);
    }

    [Fact]
    public async Task Approval_never_overwrites_a_file_of_the_same_name_in_the_person_folder()
    {
        var id = await _host.GivenReviewItemAsync("unidentified", "same.jpg", Token);
        Directory.CreateDirectory(Path.Combine(_host.Faces, "alice"));
        await File.WriteAllTextAsync(Path.Combine(_host.Faces, "alice", "same.jpg"), "already here", Token);

        using var response = await _host.Client.PostAsJsonAsync(new Uri($"/api/smart-download/review/{id}/approve", UriKind.Relative), new { person = "alice" }, Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await File.ReadAllTextAsync(Path.Combine(_host.Faces, "alice", "same.jpg"), Token)).Should().Be("already here");
        Directory.GetFiles(Path.Combine(_host.Faces, "alice")).Should().HaveCount(2);
    }

    [Fact]
    public async Task Approval_restores_the_original_name_without_the_review_prefix_and_a_taken_one_gets_the_clash_suffix()
    {
        var first = await _host.GivenReviewItemAsync("low_confidence", "lowconf_beach.jpg", Token);
        var second = await _host.GivenReviewItemAsync("unidentified", "unknown_beach.jpg", Token);

        using var approveFirst = await _host.Client.PostAsJsonAsync(new Uri($"/api/smart-download/review/{first}/approve", UriKind.Relative), new { person = "alice" }, Token);
        using var approveSecond = await _host.Client.PostAsJsonAsync(new Uri($"/api/smart-download/review/{second}/approve", UriKind.Relative), new { person = "alice" }, Token);

        approveFirst.StatusCode.Should().Be(HttpStatusCode.OK);
        approveSecond.StatusCode.Should().Be(HttpStatusCode.OK);
        (await _host.RecordAsync(first, Token)).FilePath.Should().Be(Path.Combine(_host.Faces, "alice", "beach.jpg"));
        var clashed = (await _host.RecordAsync(second, Token)).FilePath;
        Path.GetFileName(clashed).Should().MatchRegex(@"^beach_\d{8}_\d{6}\.jpg$", "the name is taken, so the clash suffix is added");
        Directory.GetFiles(Path.Combine(_host.Faces, "alice")).Should().BeEquivalentTo([Path.Combine(_host.Faces, "alice", "beach.jpg"), clashed]);
        (await _host.Store.GetUnfinishedMovesAsync(Token)).Should().BeEmpty("each approval completed its journal entry");
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("..")]
    [InlineData("/tmp/x")]
    [InlineData("a\\b")]
    [InlineData("!!!")]
    [InlineData(" ")]
    public async Task Names_that_would_escape_faces_or_sanitise_to_nothing_are_refused_and_nothing_moves(string person)
    {
        var id = await _host.GivenReviewItemAsync("unidentified", "keep.jpg", Token);

        using var response = await _host.Client.PostAsJsonAsync(new Uri($"/api/smart-download/review/{id}/approve", UriKind.Relative), new { person }, Token);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        File.Exists(Path.Combine(_host.Review, "unidentified", "keep.jpg")).Should().BeTrue();
        Directory.EnumerateFileSystemEntries(_host.Faces).Should().BeEmpty();
        (await _host.RecordAsync(id, Token)).Action.Should().Be(ReviewAction.Pending);
    }

    [Theory]
    [InlineData("/api/smart-download/review/999/approve", HttpStatusCode.NotFound)]
    [InlineData("/api/smart-download/review/999/reject", HttpStatusCode.NotFound)]
    [InlineData("/api/smart-download/review/abc/reject", HttpStatusCode.NotFound)]
    [InlineData("/api/smart-download/review/-1/reject", HttpStatusCode.NotFound)]
    public async Task Unknown_ids_are_not_found_and_nothing_moves(string url, HttpStatusCode expected)
    {
        var id = await _host.GivenReviewItemAsync("unidentified", "stay.jpg", Token);

        using var response = await _host.Client.PostAsJsonAsync(new Uri(url, UriKind.Relative), new { person = "alice" }, Token);

        response.StatusCode.Should().Be(expected);
        File.Exists(Path.Combine(_host.Review, "unidentified", "stay.jpg")).Should().BeTrue();
        (await _host.RecordAsync(id, Token)).Action.Should().Be(ReviewAction.Pending);
    }

    [Fact]
    public async Task A_record_pointing_outside_the_review_folder_is_neither_served_nor_moved()
    {
        using var outside = new TempFolder();
        var id = await _host.GivenReviewItemAsync("unidentified", "secret.jpg", Token, path: Path.Combine(outside.Path, "secret.jpg"));

        using var file = await _host.Client.GetAsync(new Uri($"/api/smart-download/review/{id}/file", UriKind.Relative), Token);
        using var thumbnail = await _host.Client.GetAsync(new Uri($"/api/smart-download/review/{id}/thumbnail", UriKind.Relative), Token);
        using var approve = await _host.Client.PostAsJsonAsync(new Uri($"/api/smart-download/review/{id}/approve", UriKind.Relative), new { person = "alice" }, Token);
        using var reject = await _host.Client.PostAsync(new Uri($"/api/smart-download/review/{id}/reject", UriKind.Relative), null, Token);

        file.StatusCode.Should().Be(HttpStatusCode.NotFound);
        thumbnail.StatusCode.Should().Be(HttpStatusCode.NotFound);
        approve.StatusCode.Should().Be(HttpStatusCode.Conflict);
        reject.StatusCode.Should().Be(HttpStatusCode.Conflict);
        File.Exists(Path.Combine(outside.Path, "secret.jpg")).Should().BeTrue();
        (await _host.RecordAsync(id, Token)).Action.Should().Be(ReviewAction.Pending);
    }

    [Fact]
    public async Task Rejection_deletes_the_file_and_records_it_as_rejected_by_web()
    {
        var id = await _host.GivenReviewItemAsync("multiple_faces", "multi_a.jpg", Token);

        using var response = await _host.Client.PostAsync(new Uri($"/api/smart-download/review/{id}/reject", UriKind.Relative), null, Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        File.Exists(Path.Combine(_host.Review, "multiple_faces", "multi_a.jpg")).Should().BeFalse();
        var record = await _host.RecordAsync(id, Token);
        record.Action.Should().Be(ReviewAction.Rejected);
        record.ReviewedBy.Should().Be("web");
        var stats = await GetJsonAsync("/api/smart-download/review/stats");
        stats.GetProperty("rejected").GetInt32().Should().Be(1);
        stats.GetProperty("pending").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task A_near_duplicates_earlier_copy_is_shown_while_it_still_waits_in_the_drop_folder_and_not_once_it_is_gone()
    {
        var earlier = Path.Combine(_host.Inbox, "original.jpg");
        WebHost.WriteImage(earlier);
        var id = await _host.GivenReviewItemAsync("duplicates", "similar_copy.jpg", Token, earlierCopy: earlier);
        var address = new Uri($"/api/smart-download/review/{id}/earlier/thumbnail", UriKind.Relative);

        using (var shown = await _host.Client.GetAsync(address, Token))
        {
            shown.StatusCode.Should().Be(HttpStatusCode.OK, "the earlier copy waits for Immich in the drop folder");
            shown.Content.Headers.ContentType!.MediaType.Should().Be("image/jpeg");
        }

        File.Delete(earlier);
        using var gone = await _host.Client.GetAsync(address, Token);
        gone.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Thumbnail_is_generated_once_and_then_served_from_the_disk_cache()
    {
        var id = await _host.GivenReviewItemAsync("unidentified", "thumb.jpg", Token);
        var cache = Path.Combine(_host.Root, "data", "thumbnails");

        using var first = await _host.Client.GetAsync(new Uri($"/api/smart-download/review/{id}/thumbnail", UriKind.Relative), Token);
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        first.Content.Headers.ContentType!.MediaType.Should().Be("image/jpeg");
        var cached = Directory.GetFiles(cache).Should().ContainSingle().Subject;
        var written = File.GetLastWriteTimeUtc(cached);

        using var second = await _host.Client.GetAsync(new Uri($"/api/smart-download/review/{id}/thumbnail", UriKind.Relative), Token);
        (await second.Content.ReadAsByteArrayAsync(Token)).Should().Equal(await first.Content.ReadAsByteArrayAsync(Token));
        Directory.GetFiles(cache).Should().ContainSingle();
        File.GetLastWriteTimeUtc(cached).Should().Be(written);

        using var original = await _host.Client.GetAsync(new Uri($"/api/smart-download/review/{id}/file", UriKind.Relative), Token);
        (await original.Content.ReadAsByteArrayAsync(Token)).Should().Equal(await File.ReadAllBytesAsync(Path.Combine(_host.Review, "unidentified", "thumb.jpg"), Token));
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_has_no_thumbnail_but_a_problem_logged_once_without_a_stack_trace()
    {
        var id = await _host.GivenInvalidReviewItemAsync("invalid_x.jpg", Token);

        for (var load = 0; load < 3; load++)
        {
            using var response = await _host.Client.GetAsync(new Uri($"/api/smart-download/review/{id}/thumbnail", UriKind.Relative), Token);
            response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        }

        // The file sink writes in the background: wait for the line, then count.
        await Eventually.UntilAsync(async () => (await ReadLogAsync()).Contains("No thumbnail for", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the Warning reaches the log file", Token);
        var log = await ReadLogAsync();
        log.Split('\n').Count(line => line.Contains("No thumbnail for", StringComparison.Ordinal)).Should().Be(1, log);
        log.Should().Contain("invalid_x.jpg").And.NotContain("   at ", "the Warning carries libvips' message, not a stack trace");
    }

    private async Task<string> ReadLogAsync()
    {
        await using var stream = new FileStream(Path.Combine(_host.Root, "logs", "facesorter.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(Token);
    }

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await _host.Client.GetAsync(new Uri(url, UriKind.Relative), Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Token));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Token);
    }
}
