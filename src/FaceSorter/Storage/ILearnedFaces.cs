namespace FaceSorter.Storage;

/// <summary>
/// The faces learned from the user's approvals (machine-learning mode): which approvals are still to be
/// learned, and the learned embeddings the gallery adds to Immich's named faces.
/// </summary>
public interface ILearnedFaces
{
    /// <summary>
    /// Files the user put under a person (approvals and manual additions) whose face has not been
    /// learned for that person yet: new ones, and ones moved to another person since; at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<DownloadItem>> ListUnlearnedApprovalsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Remembers the face learned from <paramref name="fileHash"/> for <paramref name="person"/>
    /// (replacing an earlier one); an empty <paramref name="embedding"/> records that there was none.
    /// </summary>
    Task SetLearnedFaceAsync(string fileHash, string person, float[] embedding, CancellationToken cancellationToken);

    /// <summary>The learned faces with an embedding, for the gallery.</summary>
    Task<IReadOnlyList<LearnedFace>> ListLearnedFacesAsync(CancellationToken cancellationToken);
}
