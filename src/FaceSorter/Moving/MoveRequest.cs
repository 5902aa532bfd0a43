using FaceSorter.Storage;

namespace FaceSorter.Moving;

/// <summary>Move <paramref name="SourcePath"/> into <paramref name="TargetDirectory"/> as <paramref name="FileName"/> (or a clash-free variant) and record <paramref name="Outcome"/>.</summary>
/// <param name="Unchanged">When set, the stamp the source must still have right before its rename; a file whose stamp moved is not moved (<see cref="MoveResult.Changed"/>).</param>
public sealed record MoveRequest(string SourcePath, string TargetDirectory, string FileName, OutcomeRecord Outcome, Watching.FileStamp? Unchanged = null);

/// <summary>The result of one move: <paramref name="FinalPath"/> is null when the source vanished or <paramref name="Error"/> stopped it.</summary>
/// <param name="Changed">Not moved: the source's stamp moved since <see cref="MoveRequest.Unchanged"/>.</param>
public sealed record MoveResult(MoveRequest Request, long? JournalId, string? FinalPath, Exception? Error = null, bool Changed = false);
