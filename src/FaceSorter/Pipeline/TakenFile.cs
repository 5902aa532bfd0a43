namespace FaceSorter.Pipeline;

/// <summary>
/// A file that was sorted and is still watched for late writes: <paramref name="File"/> says where it
/// was in the drop folder, as hashed, and where it is now; it is looked at until <paramref name="Until"/>.
/// </summary>
public sealed record TakenFile(SortedFile File, DateTimeOffset Until);
