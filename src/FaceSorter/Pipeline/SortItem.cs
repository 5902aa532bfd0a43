using FaceSorter.Decisions;
using FaceSorter.Immich;

namespace FaceSorter.Pipeline;

/// <summary>
/// One file's journey through the pipeline. Each stage adds what it learned; nothing live
/// (streams, connections, event args) is ever carried.
/// </summary>
/// <param name="Hash">Lower-case hex SHA-256, once hashed (null for invalid files, which are never hashed).</param>
/// <param name="Input">Set once the decision inputs are complete (rule 0 or 1 hit, or faces known).</param>
public sealed record SortItem(InboxFile File, string? Hash = null, DecisionInput? Input = null, string? AssetNote = null)
{
    public SortItem WithFaces(FaceCheck.Analyzed faces) =>
        this with { Input = DecisionInput.WithFaces(faces.Faces), AssetNote = faces.Note };
}
