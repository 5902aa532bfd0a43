using FaceSorter.Decisions;
using FaceSorter.Moving;
using FaceSorter.Options;
using FaceSorter.Storage;

namespace FaceSorter.Pipeline.Stages;

/// <summary>
/// The decide stage, pure: the decision rules (<see cref="Decider"/>) over a file's inputs, and the move
/// that carries the decision out: the target folder, the name (with its review prefix, docs/contracts.md,
/// "Names and prefixes") and the record.
/// </summary>
public static class SortPlan
{
    public static DecidedFile Decide(CheckedFile file, DecisionRules rules, DirectoriesOptions directories)
    {
        var decision = Decider.Decide(file.Input, rules);
        var outcome = new OutcomeRecord(
            decision.IsSorted ? RecordKind.Download : RecordKind.Review,
            file.Hash,
            file.File.Source,
            decision.IsSorted ? decision.Person : null,
            decision.Category,
            decision.Detail,
            decision.FacesConsidered,
            decision.IsSorted ? null : decision.Person,
            decision.Confidence,
            EarlierCopy: decision.EarlierCopy,
            ClaimsContent: file.ClaimsContent);
        var directory = decision.IsSorted
            ? Path.Combine(directories.Faces, decision.Person!)
            : Path.Combine(directories.Review, decision.Category!);
        return new DecidedFile(file.File, file.Hash, decision, new MoveRequest(file.File.Path, directory, decision.Prefix + file.File.NameToSortUnder, outcome, file.File.HashedAs));
    }

    /// <summary>The folder a decision sends files to, as the run summary counts it: <c>faces/alice</c>, <c>review/no_face</c>.</summary>
    public static string FolderOf(Decision decision) =>
        decision.IsSorted ? $"faces/{decision.Person}" : $"review/{decision.Category}";

    /// <summary>Where a sorted file is, as the log shows it: <c>faces/alice/x.jpg</c>, <c>review/no_face/noface_x.jpg</c>.</summary>
    public static string Shown(SortedFile file, DirectoriesOptions directories)
    {
        var root = file.Decision.IsSorted ? directories.Faces : directories.Review;
        return $"{(file.Decision.IsSorted ? "faces" : "review")}/{Path.GetRelativePath(root, file.FinalPath)}";
    }
}
