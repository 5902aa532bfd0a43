namespace FaceSorter.Diagnostics;

/// <summary>A failed check blocks sorting (doctor exits non-zero); a warning does not.</summary>
public enum CheckStatus
{
    Ok,
    Warning,
    Failed,
    Skipped,
}
