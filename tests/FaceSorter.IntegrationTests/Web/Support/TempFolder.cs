namespace FaceSorter.IntegrationTests.Web.Support;

/// <summary>A fresh folder per test under the system temp folder, removed afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "facesorter-web-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("FACESORTER_KEEP_TEMP") == "1")
        {
            return; // kept for reading the host's log after a failure
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a stopping server: leave it to the temp cleaner.
        }
    }
}
