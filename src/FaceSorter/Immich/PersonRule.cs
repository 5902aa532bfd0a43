namespace FaceSorter.Immich;

/// <summary>
/// The one meaning of "a person" in both modes (docs/immich-facts.md, "People"): only a named person
/// the user has not hidden counts. A face in an unnamed cluster (name <c>""</c>), a face of a hidden
/// person, and a face with no person are all "no named person" (rule 5, <c>unknown_</c>): hiding a
/// person in Immich is the user saying "do not show me this one", so FaceSorter never sorts into
/// that person's folder. Upload mode applies <see cref="NameThatCounts"/> to the person Immich
/// assigned; MachineLearning mode loads only the faces that pass <see cref="SqlCondition"/>.
/// </summary>
public static class PersonRule
{
    /// <summary>The same rule over Immich's <c>person</c> table aliased <c>p</c>, for the gallery query.</summary>
    public const string SqlCondition = "p.name <> '' AND NOT p.\"isHidden\"";

    /// <summary>The person's name when the person counts, else null.</summary>
    public static string? NameThatCounts(string? name, bool isHidden) =>
        string.IsNullOrWhiteSpace(name) || isHidden ? null : name;
}
