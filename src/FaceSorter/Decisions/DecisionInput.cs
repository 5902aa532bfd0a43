
namespace FaceSorter.Decisions;

/// <summary>Everything known about one file when it is decided.</summary>
/// <param name="InvalidReason">Rule 0: why the file is not a usable image, else null.</param>
/// <param name="DuplicateOf">Rule 1: the earlier copy with the same content, else null.</param>
/// <param name="Faces">The faces found (empty when none; ignored when rule 0, 1 or 1b applies).</param>
/// <param name="NearCopyOf">Rule 1b: the nearest known picture by fingerprint, else null.</param>
public sealed record DecisionInput(string? InvalidReason, ExactCopy? DuplicateOf, IReadOnlyList<RecognizedFace> Faces, NearCopy? NearCopyOf = null)
{
    public static DecisionInput Invalid(string reason) => new(reason, null, []);

    public static DecisionInput Duplicate(ExactCopy earlier) => new(null, earlier, []);

    public static DecisionInput NearDuplicate(NearCopy earlier) => new(null, null, [], earlier);

    public static DecisionInput WithFaces(IReadOnlyList<RecognizedFace> faces) => new(null, null, faces);
}
