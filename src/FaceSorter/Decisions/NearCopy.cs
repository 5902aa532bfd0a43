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

    /// <summary>E.g. <c>near copy of /srv/faces/alice/a.jpg (distance 3 of 64; this 600×400, earlier 1200×800: the earlier one has more pixels)</c>.</summary>
    public string Describe()
    {
        var earlier = EarlierState switch
        {
            "rejected" => $"a rejected picture ({EarlierPath})",
            "approved" => $"{EarlierPath} (approved)",
            "claimed" => $"{EarlierPath}, which is being sorted",
            _ => EarlierPath,
        };
        var pixels = (long)Width * Height;
        var earlierPixels = (long)EarlierWidth * EarlierHeight;
        var larger = pixels == earlierPixels ? "the same number of pixels" : pixels > earlierPixels ? "this one has more pixels" : "the earlier one has more pixels";
        return string.Create(CultureInfo.InvariantCulture,
            $"{ReasonStart}{earlier} (distance {Distance} of 64; this {Width}×{Height}, earlier {EarlierWidth}×{EarlierHeight}: {larger})");
    }
}
