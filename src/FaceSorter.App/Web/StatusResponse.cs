namespace FaceSorter.App.Web;

/// <summary>
/// The seed's status shape: sorting enabled, Immich <c>up</c>, <c>down</c> (with why and since when) or
/// <c>not_checked</c> (not asked yet), files in the pipeline (<c>queue_depth</c>: handed in and not
/// finished, also while an outage is waited out; <c>facesorter health</c>'s "in the pipeline"), pending
/// review items, and every file still in the drop folder the daemon knows of (<c>waiting</c>, which
/// includes <c>queue_depth</c>, docs/contracts.md, "What waits in the drop folder").
/// </summary>
internal sealed record StatusResponse(bool Enabled, string Immich, string? ImmichError, string? ImmichDownSince, int QueueDepth, int InReview, int Waiting);
