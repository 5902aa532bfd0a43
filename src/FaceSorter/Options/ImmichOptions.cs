namespace FaceSorter.Options;

public enum ImmichMode
{
    /// <summary>Upload to Immich and read the people its own face jobs assign.</summary>
    Upload,

    /// <summary>Call the ML service's <c>/predict</c> and match against named faces from Immich's database.</summary>
    MachineLearning,
}

/// <summary><c>FaceSorter:Immich</c>.</summary>
public sealed class ImmichOptions
{
    public const string Section = "FaceSorter:Immich";

    public ImmichMode Mode { get; set; } = ImmichMode.Upload;
    public string Url { get; set; } = "http://localhost:2283";
    public string ApiKey { get; set; } = "";

    /// <summary>
    /// A file holding the API key (one line), read at start instead of <see cref="ApiKey"/>; relative to
    /// the config file. Unset: <c>$CREDENTIALS_DIRECTORY/immich-api-key</c> when systemd's
    /// <c>LoadCredential=immich-api-key:…</c> provides it and <see cref="ApiKey"/> is empty.
    /// </summary>
    public string ApiKeyFile { get; set; } = "";
    public string MachineLearningUrl { get; set; } = "http://localhost:3003";
    public string DatabaseConnectionString { get; set; } = "";
    public string ModelName { get; set; } = "buffalo_l";
    public double MinScore { get; set; } = 0.7;
    public double MaxDistance { get; set; } = 0.5;

    /// <summary>
    /// MachineLearning mode: the long side, in pixels, of the preview sent to the ML service
    /// (Immich's own preview size, <c>image.preview.size</c>, 1440 by default).
    /// </summary>
    public int PreviewSize { get; set; } = 1440;

    /// <summary>
    /// A match is ambiguous when another person's nearest face is within this distance of the best
    /// match's (see README).
    /// </summary>
    public double MinMargin { get; set; } = 0.05;

    public TimeSpan FaceWaitTimeout { get; set; } = TimeSpan.FromMinutes(2);
    public bool KeepAssets { get; set; } = true;

    /// <summary>Files checked against Immich at the same time.</summary>
    public int MaxConcurrentRequests { get; set; } = 4;

    /// <summary>Timeout of one HTTP request to Immich or its ML service.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound of the wait between retries while Immich is unreachable.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the gallery of named faces is re-read from Immich's database.</summary>
    public TimeSpan GalleryRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Tell Immich, through its API, who an approved face is.</summary>
    public bool AssignApprovals { get; set; }
}
