namespace FaceSorter.Decisions;

/// <summary>Where one file goes and why.</summary>
/// <param name="Person">The sanitised person: the <c>faces/</c> folder when sorted, else the suggestion.</param>
/// <param name="Detail">A human-readable reason for the log and the record.</param>
/// <param name="FacesConsidered">Faces left after ignoring the small ones.</param>
/// <param name="EarlierCopy">For a duplicate or near duplicate, the path of the earlier copy (where it was when decided).</param>
public sealed record Decision(SortReason Reason, string? Person, string Detail, int FacesConsidered, double? Confidence, string? EarlierCopy = null)
{
    public bool IsSorted => Reason == SortReason.Sorted;

    public string? Category => Reason.Category();

    public string Prefix => Reason.Prefix();
}
