using FaceSorter.Storage;

namespace FaceSorter.App.Cli;

/// <summary>The seed's JSON shape of a review row (snake_case column names).</summary>
internal static class ReviewJson
{
    public static object From(ReviewItem item) => new Dictionary<string, object?>
    {
        ["id"] = item.Id,
        ["file_path"] = item.FilePath,
        ["filename"] = Path.GetFileName(item.FilePath),
        ["category"] = item.Category,
        ["file_hash"] = item.FileHash,
        ["reason"] = item.Reason,
        ["earlier_copy"] = item.EarlierCopy,
        ["faces_detected"] = item.FacesDetected,
        ["suggested_person"] = item.SuggestedPerson,
        ["confidence"] = item.Confidence,
        ["source"] = item.Source,
        ["created_at"] = Storage.Timestamps.ToText(item.CreatedAt),
        ["reviewed_at"] = item.ReviewedAt is { } reviewed ? Storage.Timestamps.ToText(reviewed) : null,
        ["reviewed_by"] = item.ReviewedBy,
        ["action"] = item.Action.ToString().ToLowerInvariant(),
    };
}
