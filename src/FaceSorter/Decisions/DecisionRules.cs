using FaceSorter.Options;

namespace FaceSorter.Decisions;

/// <summary>The rule settings the decider reads, with names already sanitised.</summary>
public sealed record DecisionRules(
    IReadOnlySet<string> Whitelist,
    IReadOnlySet<string> Blacklist,
    double MinConfidence,
    int MaxFacesPerImage,
    double MinFaceAreaRatio,
    int NearDuplicateMaxDistance = 0)
{
    public static DecisionRules From(SortingOptions options, IEnumerable<string>? whitelist = null, IEnumerable<string>? blacklist = null) => new(
        SanitizedSet(whitelist ?? options.Whitelist),
        SanitizedSet(blacklist ?? options.Blacklist),
        options.MinConfidence,
        options.MaxFacesPerImage,
        options.MinFaceAreaRatio,
        options.NearDuplicateMaxDistance);

    private static HashSet<string> SanitizedSet(IEnumerable<string> names) =>
        names.Select(PersonName.Sanitize).OfType<string>().ToHashSet(StringComparer.Ordinal);
}
