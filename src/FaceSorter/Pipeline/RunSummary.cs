using System.Collections.Concurrent;

namespace FaceSorter.Pipeline;

/// <summary>What this run did, for <c>scan</c>'s summary and the status page.</summary>
public sealed class RunSummary
{
    private readonly ConcurrentDictionary<string, int> _byDestination = new(StringComparer.Ordinal);
    private int _failed;
    private int _waitingForImmich;

    /// <summary>Files that stay in the drop folder after a real failure (not counting <see cref="WaitingForImmich"/>).</summary>
    public int Failed => _failed;

    /// <summary>Files that stay in the drop folder only because Immich (or its ML service) is unavailable: they are sorted when it answers again.</summary>
    public int WaitingForImmich => _waitingForImmich;

    /// <summary>Files moved out of the drop folder, to <c>faces/</c> and to <c>review/</c> alike.</summary>
    public int Finished => _byDestination.Values.Sum();

    /// <summary>Of <see cref="Finished"/>, those sorted into <c>faces/&lt;person&gt;/</c>.</summary>
    public int ToFaces => _byDestination.Where(entry => entry.Key.StartsWith("faces/", StringComparison.Ordinal)).Sum(entry => entry.Value);

    /// <summary>Of <see cref="Finished"/>, those put into <c>review/&lt;category&gt;/</c>.</summary>
    public int ToReview => Finished - ToFaces;

    public IReadOnlyDictionary<string, int> ByDestination => new SortedDictionary<string, int>(_byDestination, StringComparer.Ordinal);

    /// <param name="destination">e.g. <c>faces/alice</c> or <c>review/duplicates</c>.</param>
    public void Sorted(string destination) => _byDestination.AddOrUpdate(destination, 1, (_, count) => count + 1);

    public void Failure() => Interlocked.Increment(ref _failed);

    public void WaitForImmich() => Interlocked.Increment(ref _waitingForImmich);
}
