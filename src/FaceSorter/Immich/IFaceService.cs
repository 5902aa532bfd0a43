namespace FaceSorter.Immich;

/// <summary>
/// Finds the faces in one image and who they are. Two implementations: Upload mode (Immich's REST
/// API and its own face jobs) and MachineLearning mode (the ML service's <c>/predict</c> matched
/// against named faces from Immich's database).
/// </summary>
/// <remarks>
/// An implementation throws <see cref="FaceServiceUnavailableException"/> when the service cannot
/// answer right now (unreachable, 5xx, timeout, garbage); the pipeline then keeps the file in the
/// drop folder and retries. It returns <see cref="FaceCheck.Unreadable"/> only when the service
/// says the file itself is not a readable image, and <see cref="FaceCheck.NotAccepted"/> when it
/// does not send the file at all because its type (<see cref="Media.MediaTypes"/>) is not one the
/// service takes.
/// </remarks>
public interface IFaceService
{
    Task<FaceCheck> CheckAsync(FaceCheckRequest request, CancellationToken cancellationToken);
}

/// <param name="FilePath">The file, still in the drop folder.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content.</param>
/// <param name="Preview">The ML preview already made from the file's one decode (MachineLearning mode), or null to make it from the file.</param>
/// <param name="MatchLater">The caller takes <see cref="FaceCheck.Pending"/> when matching the faces must wait for the gallery's first load; otherwise the check waits for it.</param>
public sealed record FaceCheckRequest(string FilePath, string Sha256, long Length, Media.EncodedJpeg? Preview = null, bool MatchLater = false);
