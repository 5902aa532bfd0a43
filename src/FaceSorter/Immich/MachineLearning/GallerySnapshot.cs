namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// An immutable copy of the named faces. Each unit vector is kept as 2-bit codes for the first pass
/// of the scan (<see cref="CoarseCodes"/>) and as 8-bit codes with a per-row scale
/// (row i's codes at <c>i * Dimensions</c>; the vector is about <c>scale × code</c>) and the length of
/// what that leaves out, which bounds the error of the 8-bit scan; the float32 vectors are kept
/// aside (<see cref="ExactVectors"/>) for the exact re-rank. Per row also the index of its person and
/// Immich's face id. A refresh builds a new snapshot and swaps it in, so matching never waits for
/// the database.
/// </summary>
public sealed class GallerySnapshot
{
    private readonly sbyte[] _codes;
    private readonly float[] _scales;
    private readonly float[] _errors;
    private readonly CoarseCodes _coarse;
    private readonly ExactVectors? _exact;
    private readonly Dictionary<string, int> _personByKey;

    internal GallerySnapshot(
        int dimensions,
        sbyte[] codes,
        float[] scales,
        float[] errors,
        CoarseCodes coarse,
        ExactVectors? exact,
        int[] rowPerson,
        Guid[] rowFace,
        int count,
        GalleryPerson[] people,
        DateTimeOffset loadedAt)
    {
        Dimensions = dimensions;
        _codes = codes;
        _scales = scales;
        _errors = errors;
        _coarse = coarse;
        _exact = exact;
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

    public static GallerySnapshot Empty { get; } = new(0, [], [], [], CoarseCodes.Empty, null, [], [], 0, [], DateTimeOffset.MinValue);

    /// <summary>Length of every vector; 0 while the gallery is empty.</summary>
    public int Dimensions { get; }

    /// <summary>Number of faces.</summary>
    public int Count { get; }

    public IReadOnlyList<GalleryPerson> People { get; }

    public DateTimeOffset LoadedAt { get; }

    /// <summary>
    /// Bytes of memory the faces take: 2-bit and 8-bit codes, their scales, error bounds, person and face id per row, and
    /// the float32 vectors when they are kept in memory (not when they live in a file).
    /// </summary>
    public long MemoryBytes =>
        _codes.LongLength + ((_scales.LongLength + _errors.LongLength) * sizeof(float))
        + ((long)RowPerson.Length * sizeof(int)) + ((long)RowFace.Length * 16) + ((long)RowVersion.Length * sizeof(uint))
        + _coarse.MemoryBytes + (_exact?.MemoryBytes ?? 0);

    /// <summary>True when the float32 vectors live in an unlinked file rather than in memory.</summary>
    public bool ExactVectorsInFile => _exact?.InFile ?? false;

    /// <summary>What the database looked like when this was read (<see cref="GalleryLoader"/>); null when unknown.</summary>
    internal string? Fingerprint { get; init; }

    /// <summary>
    /// Which Immich database this was read from (<see cref="ImmichSchema.SourceSql"/> and the layout);
    /// null when unknown, and then a refresh reads every face again.
    /// </summary>
    internal string? Source { get; init; }

    /// <summary>PostgreSQL's next 64-bit transaction id when this was read (0 when unknown).</summary>
    internal long Horizon { get; init; }

    /// <summary>
    /// Per row: the <c>xmin</c> of its <c>face_search</c> row, which changes whenever the embedding is
    /// written; 0 for a face learned from approvals (valid up to <see cref="Count"/>; empty when unknown).
    /// </summary>
    internal uint[] RowVersion { get; init; } = [];

    /// <summary>The person index of each row (valid up to <see cref="Count"/>).</summary>
    internal int[] RowPerson { get; }

    internal Guid[] RowFace { get; }

    /// <summary>All rows' 8-bit codes, back to back (valid up to <see cref="Count"/> × <see cref="Dimensions"/>).</summary>
    internal ReadOnlySpan<sbyte> Codes => _codes.AsSpan(0, Count * Dimensions);

    /// <summary>The 2-bit codes of the first pass.</summary>
    internal CoarseCodes Coarse => _coarse;

    /// <summary>Per row: the scale of its codes.</summary>
    internal ReadOnlySpan<float> Scales => _scales.AsSpan(0, Count);

    /// <summary>Per row: an upper bound of ‖vector − scale × codes‖ (Euclidean).</summary>
    internal ReadOnlySpan<float> Errors => _errors.AsSpan(0, Count);

    /// <summary>Copies row <paramref name="row"/>'s float32 unit vector into <paramref name="destination"/>.</summary>
    internal void ReadExact(int row, Span<float> destination) => _exact!.Read(row, destination);

    /// <summary>The person index for a sanitised name, or -1.</summary>
    internal int FindPerson(string key) => _personByKey.GetValueOrDefault(key, -1);
}
