using FaceSorter.Decisions;
using FaceSorter.Moving;
using FaceSorter.Options;
using FaceSorter.Storage;

namespace FaceSorter.Pipeline;

/// <summary>Turns a decision into a move: the target folder, the name (with its review prefix, docs/contracts.md, "Names and prefixes") and the record.</summary>
public static class SortPlan
{
    public static MoveRequest For(SortItem item, Decision decision, DirectoriesOptions directories)
    {
        var outcome = new OutcomeRecord(
            decision.IsSorted ? RecordKind.Download : RecordKind.Review,
            item.Hash,
            item.File.Source,
            decision.IsSorted ? decision.Person : null,
            decision.Category,
            decision.Detail,
            decision.FacesConsidered,
            decision.IsSorted ? null : decision.Person,
            decision.Confidence);
        var directory = decision.IsSorted
            ? Path.Combine(directories.Faces, decision.Person!)
            : Path.Combine(directories.Review, decision.Category!);
        return new MoveRequest(item.File.Path, directory, decision.Prefix + item.File.Name, outcome);
    }
}
