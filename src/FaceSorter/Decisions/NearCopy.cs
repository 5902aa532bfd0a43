using System.Globalization;

namespace FaceSorter.Decisions;

/// <summary>
/// Rule 1b (docs/contracts.md, "Near duplicates"): the known picture nearest to this one by perceptual
/// fingerprint. <paramref name="Distance"/> is in differing bits of 64; sizes are upright pixels.
/// <paramref name="EarlierState"/> is the earlier content's state (<c>FaceSorter.Storage.ContentState</c>).
/// </summary>
public sealed record NearCopy(string EarlierPath, string EarlierState, int Distance, int Width, int Height, int EarlierWidth, int EarlierHeight)
{
    /// <summary>How every near duplicate's reason begins; <c>stats</c> counts them by it.</summary>
    public const string ReasonStart = "near copy of ";

    private const string RejectedStart = "a rejected picture (";
    private const string ApprovedEnd = ExactCopy.ApprovedEnd;
    private const string BeingSortedEnd = ExactCopy.BeingSortedEnd;
    private const string DistanceStart = " (distance ";

    /// <summary>E.g. <c>near copy of /srv/faces/alice/a.jpg (distance 3 of 64; this 600×400, earlier 1200×800: the earlier one has more pixels)</c>.</summary>
    public string Describe()
    {
        var earlier = EarlierState switch
        {
            "rejected" => $"{RejectedStart}{EarlierPath})",
            "approved" => $"{EarlierPath}{ApprovedEnd}",
            "claimed" => $"{EarlierPath}{BeingSortedEnd}",
            _ => EarlierPath,
        };
        var pixels = (long)Width * Height;
        var earlierPixels = (long)EarlierWidth * EarlierHeight;
        var larger = pixels == earlierPixels ? "the same number of pixels" : pixels > earlierPixels ? "this one has more pixels" : "the earlier one has more pixels";
        return string.Create(CultureInfo.InvariantCulture,
            $"{ReasonStart}{earlier} (distance {Distance} of 64; this {Width}×{Height}, earlier {EarlierWidth}×{EarlierHeight}: {larger})");
    }

    /// <summary>
    /// A near duplicate's stored <paramref name="reason"/> (a <see cref="Describe"/> text) told with its
    /// earlier copy where it is now, <paramref name="earlierPath"/> (the review row's <c>earlier_path</c>,
    /// which follows the copy when it moves: docs/contracts.md, "Near duplicates"). The distance and sizes
    /// stay as decided; "which is being sorted" is dropped once the copy has moved out of the drop folder
    /// (<paramref name="stillInDropFolder"/> false and the path changed). Any other text comes back as it is.
    /// </summary>
    public static string Retell(string reason, string earlierPath, bool stillInDropFolder)
    {
        var distance = reason.LastIndexOf(DistanceStart, StringComparison.Ordinal);
        if (!reason.StartsWith(ReasonStart, StringComparison.Ordinal) || distance < ReasonStart.Length)
        {
            return reason;
        }

        var earlier = ExactCopy.RetellEarlier(reason[ReasonStart.Length..distance], earlierPath, stillInDropFolder, RejectedStart);
        return string.Concat(ReasonStart, earlier, reason.AsSpan(distance));
    }
}
