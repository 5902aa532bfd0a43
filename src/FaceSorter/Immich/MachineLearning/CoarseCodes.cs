namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// The gallery's 2-bit codes, the first pass of <see cref="Matcher"/> (docs/matching.md, "Matching"):
/// per row <see cref="BytesPerRow"/> packed bytes (<see cref="GalleryBuilder.QuantizeCoarse"/>), the
/// step they are in, and an upper bound of the Euclidean length of what they leave out.
/// </summary>
internal sealed class CoarseCodes
{
    private readonly byte[] _codes;
    private readonly float[] _steps;
    private readonly float[] _errors;

    public CoarseCodes(byte[] codes, float[] steps, float[] errors, int bytesPerRow)
    {
        _codes = codes;
        _steps = steps;
        _errors = errors;
        BytesPerRow = bytesPerRow;
    }

    public static CoarseCodes Empty { get; } = new([], [], [], 0);

    public int BytesPerRow { get; }

    /// <summary>Bytes of memory taken (the arrays' full capacity).</summary>
    public long MemoryBytes => _codes.LongLength + ((_steps.LongLength + _errors.LongLength) * sizeof(float));

    /// <summary>All rows' packed codes, back to back.</summary>
    public ReadOnlySpan<byte> Codes => _codes;

    public ReadOnlySpan<float> Steps => _steps;

    public ReadOnlySpan<float> Errors => _errors;
}
