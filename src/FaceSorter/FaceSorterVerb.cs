namespace FaceSorter;

/// <summary>What a host is built for, and so which services <c>AddFaceSorter</c> registers.</summary>
public enum FaceSorterVerb
{
    /// <summary><c>run</c>: the daemon (watchers, pipeline, review, follow-ups, notifications).</summary>
    Run,

    /// <summary><c>scan</c>: the pipeline once over the drop folder, then exit.</summary>
    Scan,

    /// <summary><c>review</c>, <c>stats</c>: the options, the store and the review actions only.</summary>
    Query,

    /// <summary><c>doctor</c>: the read-only checks the configured face mode needs.</summary>
    Doctor,
}
