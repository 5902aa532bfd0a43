using System.Diagnostics;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// The published app, as a user runs it. <c>scripts/test.sh</c> publishes it once and passes the folder
/// in <c>FACESORTER_PUBLISHED</c>; without it (a run from an IDE), the first test that needs it
/// publishes to a temp folder. That publish (30-40 s of ReadyToRun compilation) runs under its own
/// deadline, not under the test's that happened to ask first, so it is never cut short for the others.
/// </summary>
public static class PublishedApp
{
    private static readonly TimeSpan PublishDeadline = TimeSpan.FromMinutes(5);
    private static readonly Lazy<Task<string>> Folder = new(FindOrPublishAsync);

    public static async Task<string> ExecutableAsync(CancellationToken cancellationToken)
    {
        var folder = await Folder.Value.WaitAsync(cancellationToken);
        var executable = Path.Combine(folder, "facesorter");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} does not exist: run scripts/publish.sh {folder}, or unset FACESORTER_PUBLISHED");
        }

        return executable;
    }

    private static Task<string> FindOrPublishAsync() =>
        Environment.GetEnvironmentVariable("FACESORTER_PUBLISHED") is { Length: > 0 } given ? Task.FromResult(given) : PublishAsync();

    private static async Task<string> PublishAsync()
    {
        using var deadline = new CancellationTokenSource(PublishDeadline);
        var repository = RepositoryRoot();
        var output = Path.Combine(Path.GetTempPath(), "facesorter-tests", "published-" + Guid.NewGuid().ToString("N")[..8]);
        var start = new ProcessStartInfo("dotnet", ["publish", Path.Combine(repository, "src", "FaceSorter.App"), "-c", "Release", "-o", output, "--nologo", "-v", "quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
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
