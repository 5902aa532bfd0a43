using FaceSorter.Storage;

namespace FaceSorter.Moving;

/// <summary>Move <paramref name="SourcePath"/> into <paramref name="TargetDirectory"/> as <paramref name="FileName"/> (or a clash-free variant) and record <paramref name="Outcome"/>.</summary>
public sealed record MoveRequest(string SourcePath, string TargetDirectory, string FileName, OutcomeRecord Outcome);

/// <summary>The result of one move: <paramref name="FinalPath"/> is null when the source vanished or <paramref name="Error"/> stopped it.</summary>
public sealed record MoveResult(MoveRequest Request, long? JournalId, string? FinalPath, Exception? Error = null);
