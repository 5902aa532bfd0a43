using FaceSorter.Decisions;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// For Upload mode with <c>DatabaseConnectionString</c> set (issue 4, part 4): the cosine distance
/// from a face Immich stored to the other faces of the person it was given, so that mode gets a
/// real confidence (1 − distance) too. Two steps: the face's embedding is read while its asset
/// exists (a purge deletes it), the distance once the gallery is loaded.
/// </summary>
public sealed class GalleryDistance
{
    private readonly FaceEmbeddingReader _reader;

    public GalleryDistance(FaceEmbeddingReader reader, Gallery gallery)
    {
        _reader = reader;
        Gallery = gallery;
    }

    /// <summary>The named faces of Immich's database the distances are taken in.</summary>
    public Gallery Gallery { get; }

    /// <summary>Face <paramref name="faceId"/>'s embedding (512 floats for buffalo_l) as Immich stored it; null when it has none or <paramref name="person"/> is no name FaceSorter sorts by.</summary>
    /// <exception cref="FaceServiceUnavailableException">The database cannot be read now.</exception>
    public async Task<StoredFace?> ReadFaceAsync(Guid faceId, string person, CancellationToken cancellationToken)
    {
        var key = PersonName.Sanitize(person);
        var embedding = key is null ? null : await _reader.GetEmbeddingAsync(faceId, cancellationToken);
        return embedding is null ? null : new StoredFace(faceId, key!, embedding);
    }

    /// <summary>The cosine distance (0–2) from <paramref name="face"/> to the nearest other face of its person in <paramref name="gallery"/>; null when there is none or the dimensions differ.</summary>
    public static double? Distance(GallerySnapshot gallery, StoredFace face)
    {
        var unit = new float[face.Embedding.Length];
        return Embeddings.TryNormalize(face.Embedding, unit) && gallery.Dimensions == unit.Length
            ? Matcher.DistanceToPerson(gallery, unit, face.Person, face.FaceId)
            : null;
    }
}

/// <summary>A face Immich stored: its id, the sanitised name of its person, and its embedding.</summary>
public sealed record StoredFace(Guid FaceId, string Person, float[] Embedding);
