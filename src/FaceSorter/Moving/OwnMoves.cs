using System.Collections.Concurrent;

namespace FaceSorter.Moving;

/// <summary>
/// Destinations the daemon itself is moving files to, so the review watcher never mistakes our own
/// inbox-to-review moves for a user's action (docs/linux-facts.md, "Our own moves raise events"). Entries
/// expire after a minute.
/// </summary>
public sealed class OwnMoves(TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _destinations = new(StringComparer.Ordinal);

    public void Expect(string destination)
    {
        _destinations[destination] = clock.GetUtcNow() + Lifetime;
        if (_destinations.Count > 10_000)
        {
            Prune();
        }
    }

    public bool IsOwn(string path) =>
        _destinations.TryGetValue(path, out var expires) && expires > clock.GetUtcNow();

    private void Prune()
    {
        var now = clock.GetUtcNow();
        foreach (var (path, expires) in _destinations)
        {
            if (expires <= now)
            {
                _destinations.TryRemove(path, out _);
            }
        }
    }
}
