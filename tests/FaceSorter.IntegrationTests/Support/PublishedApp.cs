using System.Diagnostics;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// The published app, as a user runs it. <c>scripts/test.sh</c> publishes it once and passes the folder
/// in <c>FACESORTER_PUBLISHED</c>; without it, the first test that needs it publishes to a temp folder.
/// </summary>
public static class PublishedApp
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _folder;

    public static async Task<string> ExecutableAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            _folder ??= Environment.GetEnvironmentVariable("FACESORTER_PUBLISHED") is { Length: > 0 } given ? given : await PublishAsync(cancellationToken);
            var executable = Path.Combine(_folder, "facesorter");
            if (!File.Exists(executable))
            {
                throw new InvalidOperationException($"{executable} does not exist: run scripts/publish.sh {_folder}, or unset FACESORTER_PUBLISHED");
            }

            return executable;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> PublishAsync(CancellationToken cancellationToken)
    {
        var repository = RepositoryRoot();
        var output = Path.Combine(Path.GetTempPath(), "facesorter-tests", "published-" + Guid.NewGuid().ToString("N")[..8]);
        var start = new ProcessStartInfo("dotnet", ["publish", Path.Combine(repository, "src", "FaceSorter.App"), "-c", "Release", "-o", output, "--nologo", "-v", "quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}): {await stdout}{await stderr}");
        }

        return output;
    }

    public static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "FaceSorter.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("FaceSorter.sln not found above " + AppContext.BaseDirectory);
    }
}
