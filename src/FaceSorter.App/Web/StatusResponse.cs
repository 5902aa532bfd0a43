namespace FaceSorter.App.Web;

/// <summary>
/// The seed's status shape: sorting enabled, Immich <c>up</c>, <c>down</c> (with why and since when) or
/// <c>not_checked</c> (not asked yet), files in the pipeline.
/// </summary>
internal sealed record StatusResponse(bool Enabled, string Immich, string? ImmichError, string? ImmichDownSince, int QueueDepth, int InReview);
