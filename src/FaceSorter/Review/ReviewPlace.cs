namespace FaceSorter.Review;

public enum PlaceKind
{
    /// <summary>Not under faces/ or review/, or hidden (our <c>.name.facesorter-partial</c> copies, a <c>.Trash-0</c>).</summary>
    Outside,

    /// <summary><c>faces/&lt;person&gt;/…</c>; the folder is the person.</summary>
    Faces,

    /// <summary><c>review/&lt;category&gt;/…</c>; the folder is the category.</summary>
    Review,
}

/// <summary>Where a path lies in the review tree, and the folder (person or category) it is in.</summary>
public readonly record struct ReviewPlace(PlaceKind Kind, string? Folder);
