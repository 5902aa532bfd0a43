using System.Text.Json;
using FaceSorter.App.Cli;
using FaceSorter.Decisions;
using FaceSorter.Immich;
using FaceSorter.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace FaceSorter.App.Web;

/// <summary>
/// The daemon part of the JSON API (docs/contracts.md, "HTTP"): status, pause and resume (persisted by
/// <see cref="Pipeline.SortingSettings"/>, so they survive a restart; a paused daemon leaves files in
/// the drop folder), the rule lists (persisted, read by the decider for the next file) and the
/// seed's stats.
/// </summary>
internal static class StatusApi
{
    private const int MaxDays = 3650;

    public static RouteGroupBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/smart-download");
        api.MapGet("/status", GetStatusAsync);
        api.MapPost("/enable", EnableAsync);
        api.MapPost("/disable", DisableAsync);
        api.MapGet("/config", GetConfig);
        api.MapPut("/config/whitelist", PutWhitelistAsync);
        api.MapPut("/config/blacklist", PutBlacklistAsync);
        api.MapGet("/stats/today", GetTodayAsync);
        api.MapGet("/stats/summary", GetSummaryAsync);
        return api;
    }

    public static async Task<Ok<StatusResponse>> GetStatusAsync([AsParameters] WebServices services, CancellationToken cancellationToken)
    {
        var inReview = (await services.ReviewQueue.CountReviewAsync(cancellationToken)).Where(count => count.Action == ReviewAction.Pending).Sum(count => count.Count);
        var downSince = services.Outage.DownSince;
        return TypedResults.Ok(new StatusResponse(
            services.Settings.Enabled,
            services.Outage.State switch
            {
                ImmichState.Up => "up",
                ImmichState.Down => "down",
                _ => "not_checked",
            },
            services.Outage.Reason,
            downSince is { } since ? Timestamps.ToText(since) : null,
            services.Pipeline.Depth,
            inReview,
            services.Monitor.Waiting));
    }

    public static async Task<Ok<StatusResponse>> EnableAsync([AsParameters] WebServices services, CancellationToken cancellationToken)
    {
        await services.Settings.SetEnabledAsync(true, cancellationToken);
        return await GetStatusAsync(services, cancellationToken);
    }

    public static async Task<Ok<StatusResponse>> DisableAsync([AsParameters] WebServices services, CancellationToken cancellationToken)
    {
        await services.Settings.SetEnabledAsync(false, cancellationToken);
        return await GetStatusAsync(services, cancellationToken);
    }

    public static Ok<ConfigResponse> GetConfig([AsParameters] WebServices services)
    {
        var rules = services.Settings.Rules;
        return TypedResults.Ok(new ConfigResponse(
            rules.Whitelist.Order(StringComparer.Ordinal).ToList(),
            rules.Blacklist.Order(StringComparer.Ordinal).ToList(),
            rules.MinConfidence,
            rules.MaxFacesPerImage,
            rules.MinFaceAreaRatio));
    }

    public static Task<Results<Ok<ConfigResponse>, ProblemHttpResult>> PutWhitelistAsync([AsParameters] WebServices services, JsonElement body, CancellationToken cancellationToken) =>
        PutListAsync(services, "whitelist", body, cancellationToken);

    public static Task<Results<Ok<ConfigResponse>, ProblemHttpResult>> PutBlacklistAsync([AsParameters] WebServices services, JsonElement body, CancellationToken cancellationToken) =>
        PutListAsync(services, "blacklist", body, cancellationToken);

    public static async Task<Ok<Dictionary<string, object?>>> GetTodayAsync([AsParameters] WebServices services, CancellationToken cancellationToken)
    {
        var stats = await services.Statistics.GetStatsAsync(1, services.Clock.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(StatsJson.From(stats));
    }

    /// <summary>The seed's figures over <c>days</c> (default 7) plus a <c>per_day</c> series for the chart.</summary>
    public static async Task<Results<Ok<Dictionary<string, object?>>, ProblemHttpResult>> GetSummaryAsync([AsParameters] WebServices services, int? days, CancellationToken cancellationToken)
    {
        if (days is < 1 or > MaxDays)
        {
            return ReviewApi.Problem(StatusCodes.Status400BadRequest, "Bad days", $"days is from 1 to {MaxDays}");
        }

        var window = days ?? 7;
        var now = services.Clock.GetUtcNow();
        var json = StatsJson.From(await services.Statistics.GetStatsAsync(window, now, cancellationToken));
        json["per_day"] = await PerDayAsync(services, Math.Min(window, 60), now, cancellationToken);
        return TypedResults.Ok(json);
    }

    private static async Task<Results<Ok<ConfigResponse>, ProblemHttpResult>> PutListAsync(WebServices services, string list, JsonElement body, CancellationToken cancellationToken)
    {
        // Accepts the bare array (["Alice", "Bob"]) or an object naming the list ({"whitelist": [...]}).
        var array = body.ValueKind == JsonValueKind.Object && (body.TryGetProperty(list, out var named) || body.TryGetProperty("names", out named)) ? named : body;
        if (array.ValueKind != JsonValueKind.Array || array.EnumerateArray().Any(entry => entry.ValueKind != JsonValueKind.String))
        {
            return ReviewApi.Problem(StatusCodes.Status400BadRequest, $"Bad {list}", $"send a JSON array of person names, e.g. [\"Alice\", \"Bob\"], or {{\"{list}\": [...]}}");
        }

        var names = array.EnumerateArray().Select(entry => entry.GetString()!).ToList();
        var unusable = names.Where(name => PersonName.Sanitize(name) is null).ToList();
        if (unusable.Count > 0)
        {
            return ReviewApi.Problem(StatusCodes.Status400BadRequest, $"Bad {list}", $"every entry needs a letter or digit; not usable: {string.Join(", ", unusable.Select(name => $"'{name}'"))}");
        }

        await services.Settings.SetListsAsync(list == "whitelist" ? names : null, list == "blacklist" ? names : null, cancellationToken);
        return TypedResults.Ok(GetConfig(services).Value!);
    }

    /// <summary>Per UTC day, the last <paramref name="days"/> up to today: auto-sorted files and review items created and decided (one query).</summary>
    private static async Task<List<DayCount>> PerDayAsync(WebServices services, int days, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var endOfToday = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
        var counts = (await services.Statistics.GetDailyCountsAsync(endOfToday.AddDays(-days), endOfToday, cancellationToken)).ToDictionary(count => count.Day);
        var result = new List<DayCount>(days);
        for (var back = days - 1; back >= 0; back--)
        {
            var day = DateOnly.FromDateTime(endOfToday.AddDays(-back - 1).UtcDateTime);
            var count = counts.GetValueOrDefault(day);
            result.Add(new DayCount(
                day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                count?.AutoSorted ?? 0,
                count?.Approved ?? 0,
                count?.Rejected ?? 0,
                count?.AddedToReview ?? 0));
        }

        return result;
    }
}
