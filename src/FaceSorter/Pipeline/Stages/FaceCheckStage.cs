using FaceSorter.Decisions;
using FaceSorter.Immich;
using Microsoft.Extensions.Logging;

namespace FaceSorter.Pipeline.Stages;

/// <summary>
/// Asks the face service (<see cref="FaceChecker"/>) who is in a hashed file and turns the answer into
/// decision inputs. The daemon waits out an Immich outage here; a one-shot scan does not (the file then
/// fails with <see cref="FaceServiceUnavailableException"/> and stays in the drop folder with that reason).
/// </summary>
public sealed class FaceCheckStage(FaceChecker faces, RunMode mode, ILogger<FaceCheckStage> logger)
{
    /// <exception cref="FaceServiceUnavailableException">The service cannot answer now (after waiting, in the daemon).</exception>
    public async Task<CheckedFile> CheckAsync(HashedFile file, CancellationToken cancellationToken)
    {
        var check = await faces.CheckAsync(new FaceCheckRequest(file.File.Path, file.Hash, file.File.Length, file.Picture?.Preview), waitOutOutages: !mode.ScanOnce, cancellationToken);
        var input = InputOf(check);
        if (check is FaceCheck.Analyzed { Note: { } note })
        {
            logger.FaceNote(file.File.Path, note);
        }

        return new CheckedFile(file.File, file.Hash, input, Picture: file.Picture is null ? null : file.Picture with { Preview = null });
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
