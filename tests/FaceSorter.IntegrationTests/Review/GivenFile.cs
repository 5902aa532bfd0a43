namespace FaceSorter.IntegrationTests.Review;

/// <summary>A review file the test set up: its row id, where it is, its SHA-256.</summary>
public sealed record GivenFile(long Id, string Path, string Hash);
