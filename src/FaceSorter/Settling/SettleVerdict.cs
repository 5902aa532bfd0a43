namespace FaceSorter.Settling;

public enum SettleVerdict
{
    /// <summary>Not finished yet (or not knowable yet): look again later.</summary>
    Wait,

    /// <summary>Finished: hand it to the pipeline.</summary>
    Ready,

    /// <summary>Still 0 bytes after <c>EmptyFileTimeout</c>: rule 0, <c>invalid_</c> (docs/contracts.md, "Decision rules").</summary>
    EmptyTooLong,
}
