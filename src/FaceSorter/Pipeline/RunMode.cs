namespace FaceSorter.Pipeline;

/// <summary>How the host runs: the <c>run</c> daemon, or a one-shot <c>scan</c> that stops when the drop folder is done.</summary>
public sealed record RunMode(bool ScanOnce)
{
    public static RunMode Daemon { get; } = new(false);

    public static RunMode Scan { get; } = new(true);
}
