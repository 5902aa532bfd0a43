using FaceSorter.Decisions;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// For Upload mode with <c>DatabaseConnectionString</c> set (issue 4, part 4): the cosine distance
/// from a face Immich stored to the other faces of the person it was given, so that mode gets a
/// real confidence (1 − distance) too.
/// </summary>
public sealed class GalleryDistance
{
    private readonly FaceEmbeddingReader _reader;
    private readonly Gallery _gallery;

    public GalleryDistance(FaceEmbeddingReader reader, Gallery gallery)
    {
        _reader = reader;
        _gallery = gallery;
    }

    /// <summary>
    /// The distance from face <paramref name="faceId"/> to the nearest other face of
    /// <paramref name="person"/> (matched by sanitised name); null when the face has no embedding or
    /// the person no other face in the gallery.
    /// </summary>
    /// <exception cref="FaceServiceUnavailableException">The database cannot be read now.</exception>
    public async Task<double?> GetDistanceAsync(Guid faceId, string person, CancellationToken cancellationToken)
    {
        var key = PersonName.Sanitize(person);
        var embedding = key is null ? null : await _reader.GetEmbeddingAsync(faceId, cancellationToken);
        if (embedding is null)
        {
            return null;
        }

        var gallery = await _gallery.GetAsync(cancellationToken);
        var unit = new float[embedding.Length];
        return Embeddings.TryNormalize(embedding, unit) && gallery.Dimensions == unit.Length
            ? Matcher.DistanceToPerson(gallery, unit, key!, faceId)
            : null;
    }
}
