using FaceSorter.Decisions;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// Collects named faces into one contiguous array. Give it the exact row count when known (the
/// loader counts first) so the 200 MB of a 100 000-face gallery is allocated once, never copied.
/// </summary>
public sealed class GalleryBuilder
{
    private readonly TimeProvider _timeProvider;
    private readonly List<GalleryPerson> _people = [];
    private readonly Dictionary<string, int> _personByKey = new(StringComparer.Ordinal);
    private int _capacity;
    private int _dimensions;
    private float[] _vectors = [];
    private int[] _rowPerson = [];
    private Guid[] _rowFace = [];
    private int _count;

    public GalleryBuilder(int capacity, TimeProvider timeProvider)
    {
        _capacity = Math.Max(capacity, 1);
        _timeProvider = timeProvider;
    }

    public int SkippedForName { get; private set; }

    public int SkippedForVector { get; private set; }

    /// <summary>Adds one face; false (and counted) when its name sanitises to nothing or its vector is unusable.</summary>
    public bool Add(string personId, string name, Guid faceId, ReadOnlySpan<float> embedding)
    {
        var key = PersonName.Sanitize(name);
        if (key is null)
        {
            SkippedForName++;
            return false;
        }

        if (_dimensions == 0)
        {
            if (embedding.IsEmpty)
            {
                SkippedForVector++;
                return false;
            }

            _dimensions = embedding.Length;
            Allocate(_capacity);
        }
        else if (embedding.Length != _dimensions)
        {
            SkippedForVector++;
            return false;
        }

        if (_count == _capacity)
        {
            _capacity *= 2;
            Allocate(_capacity);
        }

        if (!Embeddings.TryNormalize(embedding, _vectors.AsSpan(_count * _dimensions, _dimensions)))
        {
            SkippedForVector++;
            return false;
        }

        if (!_personByKey.TryGetValue(key, out var person))
        {
            person = _people.Count;
            _people.Add(new GalleryPerson(name, key, personId));
            _personByKey.Add(key, person);
        }

        _rowPerson[_count] = person;
        _rowFace[_count] = faceId;
        _count++;
        return true;
    }

    public GallerySnapshot Build() =>
        new(_dimensions, _vectors, _rowPerson, _rowFace, _count, [.. _people], _timeProvider.GetUtcNow());

    private void Allocate(int capacity)
    {
        Array.Resize(ref _vectors, capacity * _dimensions);
        Array.Resize(ref _rowPerson, capacity);
        Array.Resize(ref _rowFace, capacity);
    }
}
