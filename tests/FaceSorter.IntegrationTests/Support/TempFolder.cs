namespace FaceSorter.IntegrationTests.Support;

/// <summary>A per-test temporary folder on the real disk, removed afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string? under = null)
    {
        Path = System.IO.Path.Combine(under ?? System.IO.Path.GetTempPath(), "facesorter-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("FACESORTER_KEEP_TEMP") == "1")
        {
            return; // kept for reading a host's log and files after a failure
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
