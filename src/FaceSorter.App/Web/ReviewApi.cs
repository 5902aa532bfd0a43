using FaceSorter.App.Cli;
using FaceSorter.Decisions;
using FaceSorter.Review;
using FaceSorter.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace FaceSorter.App.Web;

/// <summary>
/// The review part of the JSON API (docs/contracts.md, "HTTP"): the pending queue (all or one category,
/// paged, with counts per category), approve and reject (through <see cref="ReviewActions"/>, so files move
/// exactly as in the file manager), review stats, thumbnails, the original file and the person picker's
/// list. Every file served is looked up by review id and must lie inside review/ or faces/: a request never
/// names a path.
/// </summary>
internal static class ReviewApi
{
    private const int DefaultPageSize = 24;
    private const int MaxPageSize = 200;

    public static RouteGroupBuilder MapReviewApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/smart-download");
        api.MapGet("/review/queue", GetQueueAsync);
        api.MapGet("/review/queue/{category}", GetCategoryQueueAsync);
        api.MapPost("/review/{id:long}/approve", ApproveAsync);
        api.MapPost("/review/{id:long}/reject", RejectAsync);
        api.MapGet("/review/{id:long}/thumbnail", GetThumbnailAsync);
        api.MapGet("/review/{id:long}/earlier/thumbnail", GetEarlierThumbnailAsync);
        api.MapGet("/review/{id:long}/file", GetFileAsync);
        api.MapGet("/review/stats", GetReviewStatsAsync);
        api.MapGet("/people", GetPeople);
        return api;
    }

    public static Task<Results<Ok<QueuePage>, ProblemHttpResult>> GetQueueAsync([AsParameters] WebServices services, int? page, int? size, CancellationToken cancellationToken) =>
        QueueAsync(services, null, page, size, cancellationToken);

    public static Task<Results<Ok<QueuePage>, ProblemHttpResult>> GetCategoryQueueAsync([AsParameters] WebServices services, string category, int? page, int? size, CancellationToken cancellationToken) =>
        QueueAsync(services, category, page, size, cancellationToken);

    public static async Task<Results<Ok<ReviewActionResponse>, ProblemHttpResult>> ApproveAsync([AsParameters] WebServices services, long id, ApproveRequest? request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.Person))
        {
            return Problem(StatusCodes.Status400BadRequest, "Person required", "send {\"person\": \"Name\"}: an existing faces/ folder or a new name");
        }

        var result = await services.Actions.ApproveAsync(id, request.Person, "web", cancellationToken);
        return result.Succeeded
            ? TypedResults.Ok(new ReviewActionResponse(id, "approved", result.Message, result.Person, result.NewPath))
            : Refused(result);
    }

    public static async Task<Results<Ok<ReviewActionResponse>, ProblemHttpResult>> RejectAsync([AsParameters] WebServices services, long id, CancellationToken cancellationToken)
    {
        var result = await services.Actions.RejectAsync(id, "web", cancellationToken);
        return result.Succeeded
            ? TypedResults.Ok(new ReviewActionResponse(id, "rejected", result.Message, null, null))
            : Refused(result);
    }

    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> GetThumbnailAsync([AsParameters] WebServices services, long id, CancellationToken cancellationToken)
    {
        var item = await services.ReviewQueue.GetReviewItemAsync(id, cancellationToken);
        if (item is null || !ServableFile(services, item))
        {
            return Problem(StatusCodes.Status404NotFound, "No such file", $"review item {id} has no file in review/ or faces/");
        }

        var thumbnail = await services.Thumbnails.GetAsync(item, cancellationToken);
        return thumbnail is null
            ? Problem(StatusCodes.Status422UnprocessableEntity, "Not an image", $"{Path.GetFileName(item.FilePath)} cannot be decoded as an image")
            : TypedResults.PhysicalFile(thumbnail, "image/jpeg", enableRangeProcessing: false);
    }

    /// <summary>The thumbnail of the earlier copy a near duplicate looks like (docs/contracts.md, "Near duplicates"), so the page shows both side by side.</summary>
    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> GetEarlierThumbnailAsync([AsParameters] WebServices services, long id, CancellationToken cancellationToken)
    {
        var item = await services.ReviewQueue.GetReviewItemAsync(id, cancellationToken);
        var earlier = item?.EarlierCopy is { } path ? item with { Id = -item.Id, FilePath = path, FileHash = null } : null; // a negative id: a cache key of its own

        // The earlier copy may still wait in the drop folder (for Immich): it is settled and only read here.
        if (earlier is null || !(ServableFile(services, earlier) || (services.Actions.IsUnderInbox(earlier.FilePath) && File.Exists(earlier.FilePath))))
        {
            return Problem(StatusCodes.Status404NotFound, "No such file", $"review item {id} names no earlier copy in review/, faces/ or the drop folder");
        }

        var thumbnail = await services.Thumbnails.GetAsync(earlier, cancellationToken);
        return thumbnail is null
            ? Problem(StatusCodes.Status422UnprocessableEntity, "Not an image", $"{Path.GetFileName(earlier.FilePath)} cannot be decoded as an image")
            : TypedResults.PhysicalFile(thumbnail, "image/jpeg", enableRangeProcessing: false);
    }

    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> GetFileAsync([AsParameters] WebServices services, long id, CancellationToken cancellationToken)
    {
        var item = await services.ReviewQueue.GetReviewItemAsync(id, cancellationToken);
        if (item is null || !ServableFile(services, item))
        {
            return Problem(StatusCodes.Status404NotFound, "No such file", $"review item {id} has no file in review/ or faces/");
        }

        return TypedResults.PhysicalFile(item.FilePath, ContentType(item.FilePath), Path.GetFileName(item.FilePath), enableRangeProcessing: true);
    }

    public static async Task<Ok<Dictionary<string, object?>>> GetReviewStatsAsync([AsParameters] WebServices services, CancellationToken cancellationToken)
    {
        var counts = await services.ReviewQueue.CountReviewAsync(cancellationToken);
        int Total(ReviewAction action) => counts.Where(count => count.Action == action).Sum(count => count.Count);
        return TypedResults.Ok(new Dictionary<string, object?>
        {
            ["pending"] = Total(ReviewAction.Pending),
            ["approved"] = Total(ReviewAction.Approved),
            ["rejected"] = Total(ReviewAction.Rejected),
            ["by_category"] = PendingByCategory(counts),
            ["by_reviewer"] = counts.Where(count => count.ReviewedBy is not null).GroupBy(count => count.ReviewedBy!).ToDictionary(group => group.Key, group => group.Sum(count => count.Count)),
        });
    }

    /// <summary>The person folders under faces/, for the approve picker.</summary>
    public static Ok<string[]> GetPeople([AsParameters] WebServices services) =>
        TypedResults.Ok(Directory.Exists(services.Directories.Value.Faces)
            ? Directory.EnumerateDirectories(services.Directories.Value.Faces)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(name => !name.StartsWith('.'))
                .Order(StringComparer.Ordinal)
                .ToArray()
            : []);

    private static async Task<Results<Ok<QueuePage>, ProblemHttpResult>> QueueAsync(WebServices services, string? category, int? page, int? size, CancellationToken cancellationToken)
    {
        if (category is not null && !ReviewCategories.IsKnown(category))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown category", $"'{category}' is not a review category; use one of: {string.Join(", ", ReviewCategories.All)}");
        }

        if (page is < 1 || size is < 1 or > MaxPageSize)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad paging", $"page starts at 1 and size is from 1 to {MaxPageSize}");
        }

        var pageSize = size ?? DefaultPageSize;
        var pageNumber = page ?? 1;
        var counts = PendingByCategory(await services.ReviewQueue.CountReviewAsync(cancellationToken));
        var total = category is null ? counts.Values.Sum() : counts.GetValueOrDefault(category);
        var rows = await services.ReviewQueue.ListReviewPageAsync(category, ReviewAction.Pending, (int)Math.Min(int.MaxValue, (long)(pageNumber - 1) * pageSize), pageSize, cancellationToken);
        var pages = Math.Max(1, (total + pageSize - 1) / pageSize);
        return TypedResults.Ok(new QueuePage(rows.Select(ReviewJson.From).ToList(), total, pageNumber, pageSize, pages, category, counts));
    }

    /// <summary>Pending items per category, every known category included (0 when empty).</summary>
    private static Dictionary<string, int> PendingByCategory(IEnumerable<ReviewCount> counts)
    {
        var byCategory = ReviewCategories.All.ToDictionary(category => category, _ => 0, StringComparer.Ordinal);
        foreach (var count in counts.Where(count => count.Action == ReviewAction.Pending))
        {
            byCategory[count.Category] = byCategory.GetValueOrDefault(count.Category) + count.Count;
        }

        return byCategory;
    }

    private static bool ServableFile(WebServices services, ReviewItem item) =>
        (services.Actions.IsUnderReview(item.FilePath) || services.Actions.IsUnderFaces(item.FilePath)) && File.Exists(item.FilePath);

    private static ProblemHttpResult Refused(ReviewActionResult result) => result.Outcome switch
    {
        ReviewOutcome.NotFound => Problem(StatusCodes.Status404NotFound, "No such review item", result.Message),
        ReviewOutcome.InvalidPerson => Problem(StatusCodes.Status400BadRequest, "Invalid person name", result.Message),
        ReviewOutcome.NotPending => Problem(StatusCodes.Status409Conflict, "Already reviewed", result.Message),
        ReviewOutcome.NotDone => Problem(StatusCodes.Status500InternalServerError, "The filesystem refused", result.Message),
        _ => Problem(StatusCodes.Status409Conflict, "File not in review", result.Message),
    };

    internal static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Title = title, Detail = detail });

    private static string ContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".gif" => "image/gif",
        ".webp" => "image/webp",
        ".heic" => "image/heic",
        ".avif" => "image/avif",
        ".bmp" => "image/bmp",
        ".tif" or ".tiff" => "image/tiff",
        _ => "application/octet-stream",
    };
}
