namespace FaceSorter.IntegrationTests.Support;

/// <summary>One <c>POST /api/assets</c>: the multipart fields (not the file), the file part's name, the checksum header.</summary>
public sealed record RecordedUpload(IReadOnlyDictionary<string, string> Fields, string? FileName, string? ChecksumHeader, long FileLength)
{
    public int Status { get; internal set; }
}
