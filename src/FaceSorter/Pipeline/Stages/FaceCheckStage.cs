using FaceSorter.Decisions;
using FaceSorter.Immich;
using FaceSorter.Media;
using Microsoft.Extensions.Logging;

namespace FaceSorter.Pipeline.Stages;

/// <summary>
/// Asks the face service (<see cref="FaceChecker"/>) who is in a hashed file and turns the answer into
/// decision inputs. The daemon waits out an Immich outage here; a one-shot scan does not (the file then
/// fails with <see cref="FaceServiceUnavailableException"/> and stays in the drop folder with that reason).
/// </summary>
public sealed class FaceCheckStage(FaceChecker faces, RunMode mode, ILogger<FaceCheckStage> logger)
{
    /// <summary>
    /// Completes when the file no longer needs a worker, with a task that gives the checked file: at once,
    /// or, when its faces wait for the gallery's first load (MachineLearning mode), after that load, the
    /// file's ML preview let go meanwhile (docs/matching.md, "Gallery load").
    /// </summary>
    /// <exception cref="FaceServiceUnavailableException">The service cannot answer now (after waiting, in the daemon), from either task.</exception>
    public async Task<Task<CheckedFile>> StartAsync(HashedFile file, CancellationToken cancellationToken)
    {
        var request = new FaceCheckRequest(file.File.Path, file.Hash, file.File.Length, file.Picture?.Preview, MatchLater: true);
        var checking = await faces.StartAsync(request, waitOutOutages: !mode.ScanOnce, cancellationToken);
        return ToCheckedAsync(file.File, file.Hash, file.Picture is null ? null : file.Picture with { Preview = null }, checking);
    }

    private async Task<CheckedFile> ToCheckedAsync(InboxFile file, string hash, DecodedPicture? picture, Task<FaceCheck> checking)
    {
        var check = await checking;
        if (check is FaceCheck.Analyzed { Note: { } note })
        {
            logger.FaceNote(file.Path, note);
        }

        return new CheckedFile(file, hash, InputOf(check), Picture: picture);
    }

    /// <summary>The decision inputs a face service's answer gives: the faces, or rule 0 when it cannot or will not read the file.</summary>
    public static DecisionInput InputOf(FaceCheck check) => check switch
    {
        FaceCheck.Analyzed analyzed => DecisionInput.WithFaces(analyzed.Faces),
        FaceCheck.Unreadable unreadable => DecisionInput.Invalid($"Immich cannot read it: {unreadable.Reason}"),
        FaceCheck.NotAccepted notAccepted => DecisionInput.Invalid(notAccepted.Reason),
        _ => throw new InvalidOperationException($"unknown face check result {check}"),
    };
}
