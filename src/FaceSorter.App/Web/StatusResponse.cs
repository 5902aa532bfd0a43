namespace FaceSorter.App.Web;

/// <summary>The seed's status shape: sorting enabled, Immich up or down (with why and since when), files in the pipeline.</summary>
internal sealed record StatusResponse(bool Enabled, string Immich, string? ImmichError, string? ImmichDownSince, int QueueDepth, int InReview);
