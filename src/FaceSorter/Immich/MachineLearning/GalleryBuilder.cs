using FaceSorter.Decisions;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// Collects named faces into contiguous arrays of 2-bit codes (the first pass) and 8-bit codes (the
/// second), plus the float32 vectors for the exact re-rank (<see cref="GallerySnapshot"/>). Give it the exact row count when known (the loader
/// counts first) so the arrays are allocated once, never copied.
/// </summary>
public sealed class GalleryBuilder
{
    /// <summary>Longest embedding accepted: the 8-bit × 16-bit scan sums in 32-bit integers, which stays exact up to this length.</summary>
    public const int MaxDimensions = 4096;

    private readonly TimeProvider _timeProvider;
    private readonly string _spillFolder;
    private readonly long _exactMemoryLimit;
    private readonly List<GalleryPerson> _people = [];
    private readonly Dictionary<string, int> _personByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _keyByName = new(StringComparer.Ordinal);
    private int _capacity;
    private int _dimensions;
    private sbyte[] _codes = [];
    private float[] _scales = [];
    private float[] _errors = [];
    private byte[] _coarse = [];
    private float[] _coarseSteps = [];
    private float[] _coarseErrors = [];
    private int _coarseBytes;
    private int[] _rowPerson = [];
    private Guid[] _rowFace = [];
    private uint[] _rowVersion = [];
    private float[] _unit = [];
    private ExactVectors? _exact;
    private int _count;

    /// <param name="capacity">Expected number of faces.</param>
    /// <param name="timeProvider">Stamps <see cref="GallerySnapshot.LoadedAt"/>.</param>
    /// <param name="spillFolder">Where the float32 vectors go when they exceed <paramref name="exactMemoryLimit"/> bytes (default: the temporary folder).</param>
    /// <param name="exactMemoryLimit">Bytes of float32 vectors kept in memory.</param>
    public GalleryBuilder(int capacity, TimeProvider timeProvider, string? spillFolder = null, long exactMemoryLimit = ExactVectors.DefaultMemoryLimit)
    {
        _capacity = Math.Max(capacity, 1);
        _timeProvider = timeProvider;
        _spillFolder = spillFolder ?? Path.GetTempPath();
        _exactMemoryLimit = exactMemoryLimit;
    }

    public int SkippedForName { get; private set; }

    public int SkippedForVector { get; private set; }

    /// <summary>Adds one face; false (and counted) when its name sanitises to nothing or its vector is unusable.</summary>
    public bool Add(string personId, string name, Guid faceId, ReadOnlySpan<float> embedding) => Add(personId, name, faceId, embedding, version: 0);

    /// <summary>Adds one face read from Immich, with its <see cref="GallerySnapshot.RowVersion"/>.</summary>
    internal bool Add(string personId, string name, Guid faceId, ReadOnlySpan<float> embedding, uint version)
    {
        var key = KeyOf(name);
        if (key is null)
        {
            SkippedForName++;
            return false;
        }

        if (!Fits(embedding.Length))
        {
            SkippedForVector++;
            return false;
        }

        if (!Embeddings.TryNormalize(embedding, _unit))
        {
            SkippedForVector++;
            return false;
        }

        (_scales[_count], _errors[_count]) = Quantize(_unit, _codes.AsSpan(_count * _dimensions, _dimensions));
        (_coarseSteps[_count], _coarseErrors[_count]) = QuantizeCoarse(_unit, _coarse.AsSpan(_count * _coarseBytes, _coarseBytes));
        _exact!.Write(_count, _unit);
        AddRow(personId, name, key, faceId, version);
        return true;
    }

    /// <summary>
    /// Adds row <paramref name="row"/> of <paramref name="source"/> as it is (8-bit and 2-bit codes, scales, error bounds
    /// and float32 vector copied, nothing recomputed), under a person id and name that may have changed.
    /// </summary>
    internal bool AddCopy(GallerySnapshot source, int row, string personId, string name, uint version)
    {
        var key = KeyOf(name);
        if (key is null)
        {
            SkippedForName++;
            return false;
        }

        if (!Fits(source.Dimensions))
        {
            SkippedForVector++;
            return false;
        }

        source.Codes.Slice(row * _dimensions, _dimensions).CopyTo(_codes.AsSpan(_count * _dimensions, _dimensions));
        _scales[_count] = source.Scales[row];
        _errors[_count] = source.Errors[row];
        source.Coarse.Codes.Slice(row * _coarseBytes, _coarseBytes).CopyTo(_coarse.AsSpan(_count * _coarseBytes, _coarseBytes));
        _coarseSteps[_count] = source.Coarse.Steps[row];
        _coarseErrors[_count] = source.Coarse.Errors[row];
        source.ReadExact(row, _unit);
        _exact!.Write(_count, _unit);
        AddRow(personId, name, key, faceId: source.RowFace[row], version);
        return true;
    }

    /// <summary>The sanitised name, worked out once per name (a person has many faces).</summary>
    private string? KeyOf(string name)
    {
        if (!_keyByName.TryGetValue(name, out var key))
        {
            key = PersonName.Sanitize(name);
            _keyByName.Add(name, key);
        }

        return key;
    }

    /// <summary>True when a vector of <paramref name="dimensions"/> fits (the first one sets the length), with room for one more row.</summary>
    private bool Fits(int dimensions)
    {
        if (_dimensions == 0)
        {
            if (dimensions == 0 || dimensions > MaxDimensions)
            {
                return false;
            }

            _dimensions = dimensions;
            _coarseBytes = CoarseBytes(_dimensions);
            _unit = new float[_dimensions];
            _exact = new ExactVectors(_dimensions, _capacity, _spillFolder, _exactMemoryLimit);
            Allocate(_capacity);
        }
        else if (dimensions != _dimensions)
        {
            return false;
        }

        if (_count == _capacity)
        {
            _capacity *= 2;
            Allocate(_capacity);
        }

        return true;
    }

    private void AddRow(string personId, string name, string key, Guid faceId, uint version)
    {
        if (!_personByKey.TryGetValue(key, out var person))
        {
            person = _people.Count;
            _people.Add(new GalleryPerson(name, key, personId));
            _personByKey.Add(key, person);
        }

        _rowPerson[_count] = person;
        _rowFace[_count] = faceId;
        _rowVersion[_count] = version;
        _count++;
    }

    public GallerySnapshot Build() => Build(null);

    internal GallerySnapshot Build(string? fingerprint, string? source = null, long horizon = 0)
    {
        _exact?.Complete();
        return new GallerySnapshot(_dimensions, _codes, _scales, _errors, new CoarseCodes(_coarse, _coarseSteps, _coarseErrors, _coarseBytes), _exact, _rowPerson, _rowFace, _count, [.. _people], _timeProvider.GetUtcNow())
        {
            Fingerprint = fingerprint,
            Source = source,
            Horizon = horizon,
            RowVersion = _rowVersion,
        };
    }

    /// <summary>
    /// Codes of <paramref name="unit"/> at scale max|v|/127, and an upper bound of the Euclidean
    /// length of what they leave out (computed in double, rounded up).
    /// </summary>
    internal static (float Scale, float Error) Quantize(ReadOnlySpan<float> unit, Span<sbyte> codes)
    {
        var max = 0f;
        foreach (var value in unit)
        {
            max = Math.Max(max, Math.Abs(value));
        }

        var scale = max / 127f;
        double error = 0;
        for (var i = 0; i < unit.Length; i++)
        {
            var code = (sbyte)Math.Clamp(MathF.Round(unit[i] / scale), -127, 127);
            codes[i] = code;
            var left = unit[i] - ((double)scale * code);
            error += left * left;
        }

        return (scale, RoundUp(Math.Sqrt(error)));
    }

    /// <summary>Bytes of 2-bit codes per row: 32 for every 128 dimensions (the last block padded).</summary>
    internal static int CoarseBytes(int dimensions) => (dimensions + 127) / 128 * 32;

    /// <summary>
    /// 2-bit codes of <paramref name="unit"/> (docs/matching.md, "Matching"): dimension i gets
    /// c = clamp(⌊v/step⌋ + 2, 0, 3), standing for step × (c − 1.5), with step = 0.95 × the root mean
    /// square (close to the least error for Gaussian-like values, as embeddings are), and an upper
    /// bound of the Euclidean length of what they leave out (computed in double, rounded up). Packed
    /// per 128 dimensions in 32 bytes: byte k holds dimensions k, k+32, k+64 and k+96 of the block in
    /// its bit pairs 0–1, 2–3, 4–5 and 6–7, so one shift and one mask unpack 32 codes in order.
    /// </summary>
    internal static (float Step, float Error) QuantizeCoarse(ReadOnlySpan<float> unit, Span<byte> packed)
    {
        double sum = 0;
        foreach (var value in unit)
        {
            sum += (double)value * value;
        }

        var step = (float)(0.95 * Math.Sqrt(sum / Math.Max(unit.Length, 1)));
        var inverse = step == 0 ? 0 : 1 / (double)step;
        packed.Clear();
        double error = 0;
        for (var i = 0; i < unit.Length; i++)
        {
            // Any code keeps the bound true (the error is measured from the code chosen), so a
            // multiplication by the inverse, a hair off a division at cell edges, is fine.
            var code = CoarseCode(unit[i], inverse);
            packed[(i / 128 * 32) + (i % 32)] |= (byte)(code << (2 * (i % 128 / 32)));
            var left = unit[i] - ((double)step * (code - 1.5));
            error += left * left;
        }

        return (step, RoundUp(Math.Sqrt(error)));
    }

    /// <summary>The 2-bit code (0–3) of one value, given 1/step (0 when the step is 0: code 2, value 0, and the bound carries the whole vector).</summary>
    internal static int CoarseCode(float value, double inverseStep) =>
        Math.Clamp((int)Math.Floor(value * inverseStep) + 2, 0, 3);

    /// <summary>A float at least <paramref name="value"/>, with room for the double's own rounding.</summary>
    internal static float RoundUp(double value) => MathF.BitIncrement((float)((value * (1 + 1e-9)) + 1e-12));

    private void Allocate(int capacity)
    {
        Array.Resize(ref _codes, capacity * _dimensions);
        Array.Resize(ref _scales, capacity);
        Array.Resize(ref _errors, capacity);
        Array.Resize(ref _coarse, capacity * _coarseBytes);
        Array.Resize(ref _coarseSteps, capacity);
        Array.Resize(ref _coarseErrors, capacity);
        Array.Resize(ref _rowPerson, capacity);
        Array.Resize(ref _rowFace, capacity);
        Array.Resize(ref _rowVersion, capacity);
    }
}
