namespace FaceSorter.Options;

/// <summary><c>FaceSorter:Review</c>: how user actions in the review folders are read.</summary>
public sealed class ReviewOptions
{
    public const string Section = "FaceSorter:Review";

    /// <summary>How long a file must be gone from review before its absence is a rejection.</summary>
    public TimeSpan RejectGrace { get; set; } = TimeSpan.FromSeconds(5);

    public bool AutoMoveOnRecheck { get; set; }

    /// <summary>How often unidentified and low-confidence items are looked at again.</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromHours(1);
}
