namespace FaceSorter.Watching;

/// <summary>What one round of a <see cref="WatchLoop"/> is given.</summary>
/// <param name="Paths">Paths the watchers named since the last round, each once (files or directories, existing or gone).</param>
/// <param name="Rescan">True when the round must scan its folders in full.</param>
/// <param name="Now">The time the round started.</param>
/// <param name="IsFirst">True for the first round (its <paramref name="Rescan"/> is always true).</param>
public readonly record struct WatchRound(IReadOnlyList<string> Paths, bool Rescan, DateTimeOffset Now, bool IsFirst);
