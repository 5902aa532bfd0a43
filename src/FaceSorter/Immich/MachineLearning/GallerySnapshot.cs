namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// An immutable copy of the named faces: one contiguous array of unit vectors (row i at
/// <c>i * Dimensions</c>) and, per row, the index of its person and Immich's face id. A refresh
/// builds a new snapshot and swaps it in, so matching never waits for the database.
/// </summary>
public sealed class GallerySnapshot
{
    private readonly float[] _vectors;
    private readonly Dictionary<string, int> _personByKey;

    internal GallerySnapshot(int dimensions, float[] vectors, int[] rowPerson, Guid[] rowFace, int count, GalleryPerson[] people, DateTimeOffset loadedAt)
    {
        Dimensions = dimensions;
        _vectors = vectors;
        RowPerson = rowPerson;
        RowFace = rowFace;
        Count = count;
        People = people;
        LoadedAt = loadedAt;
        _personByKey = new Dictionary<string, int>(people.Length, StringComparer.Ordinal);
        for (var i = 0; i < people.Length; i++)
        {
            _personByKey[people[i].Key] = i;
        }
    }

    public static GallerySnapshot Empty { get; } = new(0, [], [], [], 0, [], DateTimeOffset.MinValue);

    /// <summary>Length of every vector; 0 while the gallery is empty.</summary>
    public int Dimensions { get; }

    /// <summary>Number of faces.</summary>
    public int Count { get; }

    public IReadOnlyList<GalleryPerson> People { get; }

    public DateTimeOffset LoadedAt { get; }

    /// <summary>The person index of each row (valid up to <see cref="Count"/>).</summary>
    internal int[] RowPerson { get; }

    internal Guid[] RowFace { get; }

    /// <summary>All rows, back to back (valid up to <see cref="Count"/> × <see cref="Dimensions"/>).</summary>
    internal ReadOnlySpan<float> Vectors => _vectors.AsSpan(0, Count * Dimensions);

    internal ReadOnlySpan<float> Row(int row) => _vectors.AsSpan(row * Dimensions, Dimensions);

    /// <summary>The person index for a sanitised name, or -1.</summary>
    internal int FindPerson(string key) => _personByKey.GetValueOrDefault(key, -1);
}
