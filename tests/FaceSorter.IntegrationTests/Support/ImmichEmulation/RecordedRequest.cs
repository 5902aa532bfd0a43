namespace FaceSorter.IntegrationTests.Support;

/// <summary>One request the emulator saw, with its answer's status.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers)
{
    public int Status { get; internal set; }
}
