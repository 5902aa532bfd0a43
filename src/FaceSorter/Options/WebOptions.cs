namespace FaceSorter.Options;

/// <summary><c>FaceSorter:Web</c>: the review page and JSON API served by <c>run</c>.</summary>
public sealed class WebOptions
{
    public const string Section = "FaceSorter:Web";

    public bool Enabled { get; set; } = true;
    public string Urls { get; set; } = "http://127.0.0.1:8765";

    /// <summary>Required when <see cref="Urls"/> listens on anything but loopback.</summary>
    public string Token { get; set; } = "";

    /// <summary>A file holding <see cref="Token"/> (one line), read at start; systemd credential <c>web-token</c> when unset.</summary>
    public string TokenFile { get; set; } = "";

    /// <summary>Optional ntfy/Gotify-style URL that receives batched notifications.</summary>
    public string NotifyUrl { get; set; } = "";
}
