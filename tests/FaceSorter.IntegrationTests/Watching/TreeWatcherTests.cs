using FaceSorter.IntegrationTests.Support;
using FaceSorter.Watching;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceSorter.IntegrationTests.Watching;

/// <summary>
/// The real watcher on real folders (docs/linux-facts.md, "A watcher that dies silently"): .NET 10's
/// FileSystemWatcher ends its event thread, with no error, when a folder is moved out of its root and
/// another change follows within 2 ms. Both changes here are made back to back in this process, so the
/// watcher dies every time; what is tested is that it is then known to be unhealthy.
/// </summary>
public sealed class TreeWatcherTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "facesorter-watch-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly PathHints _hints = new();

    public TreeWatcherTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "multiple_faces"));
        Directory.CreateDirectory(Path.Combine(_root, "unidentified"));
        File.WriteAllBytes(Path.Combine(_root, "unidentified", "x.jpg"), [1, 2, 3]);
    }

    [Fact]
    public async Task A_folder_moved_out_and_a_delete_at_once_are_reported_or_the_watcher_is_known_to_be_dead()
    {
        // Back to back, the two changes kill the watcher nearly every time on a quiet machine; on a busy one
        // the second may come after the 2 ms and both are reported. Either way nothing is lost unseen.
        using var watcher = new TreeWatcher(_root, NotifyFilters.FileName | NotifyFilters.DirectoryName, _hints, NullLogger.Instance);
        watcher.IsHealthy.Should().BeTrue("it has just started");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool Saw(params string[] paths)
        {
            seen.UnionWith(_hints.Drain().Paths);
            return paths.All(seen.Contains);
        }

        for (var attempt = 0; attempt < 20 && watcher.IsHealthy; attempt++)
        {
            var folder = Directory.CreateDirectory(Path.Combine(_root, "multiple_faces")).FullName;
            var file = Path.Combine(_root, "unidentified", $"x{attempt}.jpg");
            await File.WriteAllBytesAsync(file, [1, 2, 3], TestContext.Current.CancellationToken);
            await Eventually.UntilAsync(() => !watcher.IsHealthy || Saw(file), TimeSpan.FromSeconds(10), "the new file is reported", TestContext.Current.CancellationToken);

            Directory.Move(folder, $"{_root}-away{attempt}");
            File.Delete(file);

            await Eventually.UntilAsync(
                () => !watcher.IsHealthy || Saw(file, folder),
                TimeSpan.FromSeconds(10),
                "both changes are reported, or the watcher reports nothing any more and counts as unhealthy",
                TestContext.Current.CancellationToken);
            seen.Clear();
        }

        Directory.Exists(_root).Should().BeTrue("its root is still there: only the descriptor check can tell a dead watcher");
    }

    [Fact]
    public async Task A_watcher_that_saw_a_folder_moved_out_alone_stays_healthy_and_reports()
    {
        using var watcher = new TreeWatcher(_root, NotifyFilters.FileName | NotifyFilters.DirectoryName, _hints, NullLogger.Instance);

        Directory.Move(Path.Combine(_root, "multiple_faces"), _root + "-away");
        await Eventually.UntilAsync(() => _hints.Drain().Paths.Contains(Path.Combine(_root, "multiple_faces")), TimeSpan.FromSeconds(10), "the folder moved away is reported", TestContext.Current.CancellationToken);
        File.Delete(Path.Combine(_root, "unidentified", "x.jpg"));
        await Eventually.UntilAsync(() => _hints.Drain().Paths.Contains(Path.Combine(_root, "unidentified", "x.jpg")), TimeSpan.FromSeconds(10), "the delete after it is reported", TestContext.Current.CancellationToken);

        watcher.IsHealthy.Should().BeTrue();
    }

    public void Dispose()
    {
        foreach (var folder in Directory.GetDirectories(Path.GetDirectoryName(_root)!, Path.GetFileName(_root) + "*"))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
