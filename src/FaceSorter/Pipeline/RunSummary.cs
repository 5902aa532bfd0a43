using System.Collections.Concurrent;

namespace FaceSorter.Pipeline;

/// <summary>What this run did, for <c>scan</c>'s summary and the status page.</summary>
public sealed class RunSummary
{
    private readonly ConcurrentDictionary<string, int> _byDestination = new(StringComparer.Ordinal);
    private int _failed;

    public int Failed => _failed;

    public int Finished => _byDestination.Values.Sum();

    public IReadOnlyDictionary<string, int> ByDestination => new SortedDictionary<string, int>(_byDestination, StringComparer.Ordinal);

    /// <param name="destination">e.g. <c>faces/alice</c> or <c>review/duplicates</c>.</param>
    public void Sorted(string destination) => _byDestination.AddOrUpdate(destination, 1, (_, count) => count + 1);

    public void Failure() => Interlocked.Increment(ref _failed);
}
