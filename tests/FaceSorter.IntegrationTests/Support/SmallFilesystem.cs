using System.Diagnostics;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// A tmpfs of a few MiB mounted for one test (the tests run as root: scripts/test.sh), to fill for real:
/// writes on it fail with ENOSPC once <see cref="Fill"/> took its space. Mounting fails the test, never skips it.
/// </summary>
public sealed class SmallFilesystem : IDisposable
{
    private readonly TempFolder _mountPoint = new();

    public SmallFilesystem(int sizeMiB = 4)
    {
        Run("mount", "-t", "tmpfs", "-o", $"size={sizeMiB}m", "tmpfs", _mountPoint.Path);
    }

    public string Path => _mountPoint.Path;

    private string Filler => System.IO.Path.Combine(Path, "filler");

    /// <summary>Writes a filler file until the filesystem says ENOSPC.</summary>
    public void Fill()
    {
        using var filler = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        var block = new byte[64 * 1024];
        try
        {
            while (true)
            {
                filler.Write(block);
            }
        }
        catch (IOException exception) when (exception.HResult == 28)
        {
        }
    }

    /// <summary>Removes the filler, as a user who frees space.</summary>
    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        Run("umount", "--lazy", _mountPoint.Path);
        _mountPoint.Dispose();
    }

    private static void Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, $"{tool} {string.Join(' ', arguments)} must work (the tests run as root): {error}");
    }
}
