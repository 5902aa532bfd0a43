namespace FaceSorter.Decisions;

/// <summary>
/// Rule 1 (docs/contracts.md, "Decision rules"): the earlier file with the same SHA-256 content.
/// <paramref name="EarlierPath"/> is where it was when this copy was claimed (null when the store kept no
/// path); <paramref name="EarlierState"/> is the content's state (<c>FaceSorter.Storage.ContentState</c>).
/// </summary>
public sealed record ExactCopy(string? EarlierPath, string? EarlierState)
{
    /// <summary>How every exact duplicate's reason begins; <c>stats</c> tells them from near duplicates by it.</summary>
    public const string ReasonStart = "duplicate of ";

    private const string RejectedStart = "rejected before (";
    internal const string ApprovedEnd = " (approved)";
    /// <summary>What a reason says of an earlier copy still in the drop folder (exact and near duplicates alike).</summary>
    public const string BeingSortedEnd = ", which is being sorted";

    /// <summary>What it says instead once that copy was deleted from the drop folder before it was sorted.</summary>
    public const string DeletedEnd = ", deleted from the drop folder before it was sorted";

    /// <summary>What it says instead once that copy was rewritten with other content before it was sorted (it waited in the drop folder and changed).</summary>
    public const string RewrittenEnd = ", rewritten with other content before it was sorted";

    /// <summary>E.g. <c>duplicate of /srv/faces/alice/a.jpg (approved)</c> or <c>duplicate of rejected before (/srv/review/x.jpg)</c>.</summary>
    public string Describe() => ReasonStart + EarlierState switch
    {
        "rejected" => $"{RejectedStart}{EarlierPath})",
        "claimed" => $"{EarlierPath}{BeingSortedEnd}",
        "approved" => $"{EarlierPath}{ApprovedEnd}",
        _ => EarlierPath ?? "an earlier copy",
    };

    /// <summary>
    /// An exact duplicate's stored <paramref name="reason"/> (a <see cref="Describe"/> text) told with its
    /// earlier copy where it is now, <paramref name="earlierPath"/> (the review row's <c>earlier_path</c>,
    /// which follows the copy when it moves: docs/contracts.md, "Near duplicates"), as
    /// <see cref="NearCopy.Retell"/> does for a near duplicate. Any other text comes back as it is.
    /// </summary>
    public static string Retell(string reason, string earlierPath, bool stillInDropFolder)
    {
        if (!reason.StartsWith(ReasonStart, StringComparison.Ordinal))
        {
            return reason;
        }

        return ReasonStart + RetellEarlier(reason[ReasonStart.Length..], earlierPath, stillInDropFolder, RejectedStart);
    }

    /// <summary>
    /// What a duplicate's reason <paramref name="told"/> of its earlier copy (rejected, approved, being sorted
    /// or just a path), told again with the copy at <paramref name="earlierPath"/>; shared by exact and near
    /// duplicates, which differ only in how a rejected copy is introduced (<paramref name="rejectedStart"/>).
    /// </summary>
    internal static string RetellEarlier(string told, string earlierPath, bool stillInDropFolder, string rejectedStart) => told switch
    {
        _ when told.StartsWith(rejectedStart, StringComparison.Ordinal) && told.EndsWith(')') => $"{rejectedStart}{earlierPath})",
        _ when told.EndsWith(ApprovedEnd, StringComparison.Ordinal) => $"{earlierPath}{ApprovedEnd}",
        _ when told.EndsWith(BeingSortedEnd, StringComparison.Ordinal) && (stillInDropFolder || told == earlierPath + BeingSortedEnd) => $"{earlierPath}{BeingSortedEnd}",
        _ => earlierPath,
    };
}
