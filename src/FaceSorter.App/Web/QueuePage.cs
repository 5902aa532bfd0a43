namespace FaceSorter.App.Web;

/// <summary>One page of the pending review queue; <see cref="Items"/> are the seed's review rows, <see cref="Counts"/> pending items per category.</summary>
internal sealed record QueuePage(
    IReadOnlyList<object> Items,
    int Total,
    int Page,
    int Size,
    int Pages,
    string? Category,
    IReadOnlyDictionary<string, int> Counts);
