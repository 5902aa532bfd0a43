namespace FaceSorter.Notifications;

/// <summary>
/// The notification keys of <c>FaceSorter:Web</c>: <c>NotifyUrl</c> (ntfy / Gotify-style, receives a
/// plain-text POST; empty = off), how many new review items make one message, and how long a smaller
/// batch may wait before it is sent anyway.
/// </summary>
public sealed class NotificationOptions
{
    public const string Section = "FaceSorter:Web";

    public string NotifyUrl { get; set; } = "";

    /// <summary>One message per this many new review items.</summary>
    public int NotifyBatchSize { get; set; } = 10;

    /// <summary>A batch smaller than <see cref="NotifyBatchSize"/> is sent once its first item is this old.</summary>
    public TimeSpan NotifyInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the review queue is looked at (and Immich outage messages are sent).</summary>
    public TimeSpan NotifyCheckInterval { get; set; } = TimeSpan.FromSeconds(15);
}
