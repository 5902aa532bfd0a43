namespace FaceSorter.Storage;

/// <summary>A <c>downloads</c> row: a file recorded under <c>faces/&lt;person&gt;/</c>.</summary>
public sealed record DownloadItem(long Id, string FilePath, string? FileHash, string? PersonName, bool AutoSorted, string? Source);
