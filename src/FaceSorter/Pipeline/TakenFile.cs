namespace FaceSorter.Pipeline;

/// <summary>
/// A file that was sorted and is still watched for late writes: it was <paramref name="Item"/> in the
/// drop folder, it is now at <paramref name="Destination"/>, and it is looked at until <paramref name="Until"/>.
/// </summary>
public sealed record TakenFile(SortItem Item, string Destination, DateTimeOffset Until);
