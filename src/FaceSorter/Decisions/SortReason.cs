namespace FaceSorter.Decisions;

/// <summary>Why a file goes where it goes; each maps to one folder and one name prefix (docs/contracts.md, "Names and prefixes").</summary>
public enum SortReason
{
    /// <summary>Rule 8: exactly one wanted person, confident enough → <c>faces/&lt;person&gt;/</c>.</summary>
    Sorted,

    /// <summary>Rule 0: empty, not an image, or Immich cannot decode it.</summary>
    Invalid,

    /// <summary>Rule 1: the content is already known.</summary>
    Duplicate,

    /// <summary>Rule 1b: a picture that looks the same as a known one (docs/contracts.md, "Near duplicates").</summary>
    NearDuplicate,

    /// <summary>Rule 2.</summary>
    NoFace,

    /// <summary>Rule 3 (and several different named people).</summary>
    MultipleFaces,

    /// <summary>Rule 4.</summary>
    UnwantedPerson,

    /// <summary>Rule 5.</summary>
    UnknownPerson,

    /// <summary>Rule 6.</summary>
    NotWhitelisted,

    /// <summary>Rule 7, and ambiguous matches.</summary>
    LowConfidence,
}

public static class SortReasonExtensions
{
    /// <summary>The review prefixes (docs/contracts.md, "Names and prefixes"), longest first.</summary>
    private static readonly string[] Prefixes = [.. Enum.GetValues<SortReason>().Select(reason => reason.Prefix()).Where(prefix => prefix.Length > 0).OrderByDescending(prefix => prefix.Length)];

    /// <summary><paramref name="fileName"/> without the review prefix the pipeline gave it (only one: a file first called <c>unknown_x.jpg</c> keeps its name).</summary>
    public static string WithoutReviewPrefix(string fileName) =>
        Prefixes.FirstOrDefault(prefix => fileName.StartsWith(prefix, StringComparison.Ordinal) && fileName.Length > prefix.Length) is { } prefix
            ? fileName[prefix.Length..]
            : fileName;

    public static string? Category(this SortReason reason) => reason switch
    {
        SortReason.Sorted => null,
        SortReason.Duplicate => ReviewCategories.Duplicates,
        SortReason.NearDuplicate => ReviewCategories.Duplicates,
        SortReason.MultipleFaces => ReviewCategories.MultipleFaces,
        SortReason.UnwantedPerson => ReviewCategories.UnwantedPerson,
        SortReason.LowConfidence => ReviewCategories.LowConfidence,
        _ => ReviewCategories.Unidentified,
    };

    public static string Prefix(this SortReason reason) => reason switch
    {
        SortReason.Sorted => "",
        SortReason.Invalid => "invalid_",
        SortReason.Duplicate => "duplicate_",
        SortReason.NearDuplicate => "similar_",
        SortReason.NoFace => "noface_",
        SortReason.MultipleFaces => "multi_",
        SortReason.UnwantedPerson => "unwanted_",
        SortReason.UnknownPerson => "unknown_",
        SortReason.NotWhitelisted => "notwhitelisted_",
        SortReason.LowConfidence => "lowconf_",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}

/// <summary>The review sub-folders (docs/contracts.md, "Folders").</summary>
public static class ReviewCategories
{
    public const string Duplicates = "duplicates";
    public const string Unidentified = "unidentified";
    public const string LowConfidence = "low_confidence";
    public const string MultipleFaces = "multiple_faces";
    public const string UnwantedPerson = "unwanted_person";

    public static IReadOnlyList<string> All { get; } =
        [Duplicates, Unidentified, LowConfidence, MultipleFaces, UnwantedPerson];

    public static bool IsKnown(string category) => All.Contains(category, StringComparer.Ordinal);
}
