namespace FaceSorter.App.Web;

/// <summary>The rule settings in force (the lists as persisted, sanitised).</summary>
internal sealed record ConfigResponse(IReadOnlyList<string> Whitelist, IReadOnlyList<string> Blacklist, double MinConfidence, int MaxFacesPerImage, double MinFaceAreaRatio);
