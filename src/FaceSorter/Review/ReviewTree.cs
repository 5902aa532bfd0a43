namespace FaceSorter.Review;

/// <summary>
/// Classifies paths by where they are, not by the event that named them
/// (docs/linux-facts.md, "Classify by where a file is"): a file directly under <c>faces/</c> or
/// <c>review/</c> has no person or category and is left alone, and so is anything hidden, which covers the
/// pipeline's <c>.name.facesorter-partial</c> copies and trash folders.
/// </summary>
public sealed class ReviewTree(string faces, string review)
{
    public string Faces { get; } = faces.TrimEnd('/');

    public string Review { get; } = review.TrimEnd('/');

    public ReviewPlace Classify(string path)
    {
        if (Folder(Faces, path) is { } person)
        {
            return new ReviewPlace(PlaceKind.Faces, person);
        }

        return Folder(Review, path) is { } category ? new ReviewPlace(PlaceKind.Review, category) : default;
    }

    /// <summary>True when <paramref name="path"/> is one of the two roots or lies under one.</summary>
    public bool Contains(string path) => IsUnder(Faces, path) || IsUnder(Review, path) || path == Faces || path == Review;

    private static string? Folder(string root, string path)
    {
        if (!IsUnder(root, path))
        {
            return null;
        }

        var relative = path.AsSpan(root.Length + 1);
        var slash = relative.IndexOf('/');
        if (slash <= 0 || relative.Contains("/.", StringComparison.Ordinal) || relative[0] == '.')
        {
            return null;
        }

        return relative[..slash].ToString();
    }

    private static bool IsUnder(string root, string path) =>
        path.Length > root.Length + 1 && path[root.Length] == '/' && path.StartsWith(root, StringComparison.Ordinal);
}
