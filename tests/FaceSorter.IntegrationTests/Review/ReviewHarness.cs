using System.Diagnostics;
using System.Security.Cryptography;
using FaceSorter.Decisions;
using FaceSorter.Hashing;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Moving;
using FaceSorter.Options;
using FaceSorter.Review;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace FaceSorter.IntegrationTests.Review;

/// <summary>
/// A per-test data folder (faces/, review/&lt;category&gt;/, an SQLite store) and the real review
/// monitor over it, which can be stopped and started again like the daemon. Review rows are set up
/// as the pipeline writes them: a journalled move completed with a <see cref="RecordKind.Review"/> outcome.
/// The store keeps paths relative to the folders, as the daemon's does; by default it is an SQLite file
/// inside the data folder, so it moves with it (<see cref="MoveDataFolderAsync"/>).
/// </summary>
public sealed class ReviewHarness : IAsyncDisposable
{
    private readonly List<string> _mounts = [];
    private readonly Func<ReviewHarness, StorePaths, FaceSorterStore> _openStore;
    private ReviewMonitor? _monitor;

    /// <param name="openStore">Opens the store on this harness's data (default: SQLite in the data folder).</param>
    public ReviewHarness(TimeSpan? rejectGrace = null, Func<ReviewHarness, StorePaths, FaceSorterStore>? openStore = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "facesorter-review-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Faces);
        foreach (var category in ReviewCategories.All)
        {
            Directory.CreateDirectory(Path.Combine(Review, category));
        }

        RejectGrace = rejectGrace ?? TimeSpan.FromMilliseconds(300);
        _openStore = openStore ?? ((harness, paths) => FaceSorterStore.ForSqlite($"Data Source={Path.Combine(harness.Root, "facesorter.db")}", TimeProvider.System, paths));
        Store = _openStore(this, Paths);
        Store.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>The data folder (faces/, review/, temp_downloads/ and the SQLite file); it changes when the folder is moved.</summary>
    public string Root { get; private set; }

    public string Faces => Path.Combine(Root, "faces");

    public string Review => Path.Combine(Root, "review");

    public TimeSpan RejectGrace { get; }

    public FaceSorterStore Store { get; private set; }

    /// <summary>The configured folders as the store sees them.</summary>
    public StorePaths Paths => StorePaths.For(new DirectoriesOptions { Inbox = Path.Combine(Root, "temp_downloads"), Faces = Faces, Review = Review });

    public OwnMoves OwnMoves { get; } = new(TimeProvider.System);

    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    public static CancellationToken Token => CancellationToken.None;

    public async Task StartAsync()
    {
        var tree = new ReviewTree(Faces, Review);
        var reconciler = new ReviewReconciler(Store, Store, Store, new Hasher(), OwnMoves, tree, TimeProvider.System,
            MsOptions.Create(new ReviewOptions { RejectGrace = RejectGrace }), LoggerFactory.CreateLogger<ReviewReconciler>());
        _monitor = new ReviewMonitor(
            reconciler,
            tree,
            TimeProvider.System,
            MsOptions.Create(new SortingOptions()),
            LoggerFactory.CreateLogger<ReviewMonitor>());
        await _monitor.StartAsync(Token);
        await _monitor.Started.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// The user moves (or remounts) the whole data folder while the daemon is stopped, and configures
    /// the new place: the monitor stops, <c>mv</c> renames the folder, and the store is opened again with
    /// the new folders (the daemon reads them from its config at start).
    /// </summary>
    public async Task MoveDataFolderAsync(string newRoot)
    {
        await StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await RunAsync("mv", "-T", Root, newRoot);
        Root = newRoot;
        Store = _openStore(this, Paths);
        await Store.MigrateAsync(Token);
    }

    public async Task StopAsync()
    {
        if (_monitor is not null)
        {
            await _monitor.StopAsync(Token);
            _monitor.Dispose();
            _monitor = null;
        }
    }

    public ReviewActions Actions() =>
        new(Store, Store, new FileMover(Store, OwnMoves, TimeProvider.System, LoggerFactory.CreateLogger<FileMover>()), new FaceSorter.Hashing.Hasher(),
            new ReviewThumbnails(new StoreLocation(
                MsOptions.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(Root, "facesorter.db")}" }),
                MsOptions.Create(new DirectoriesOptions { Faces = Faces, Review = Review }))),
            MsOptions.Create(new DirectoriesOptions { Faces = Faces, Review = Review }), LoggerFactory.CreateLogger<ReviewActions>());

    /// <summary>A file in review/<paramref name="category"/>/ with unique content and its pending row.</summary>
    public async Task<GivenFile> GivenReviewFileAsync(string name, string category = ReviewCategories.Unidentified)
    {
        var path = Path.Combine(Review, category, name);
        var hash = WriteUnique(path);
        var outcome = new OutcomeRecord(RecordKind.Review, hash, "instagram", null, category, "unknown person", 1, null, null);
        var ids = await Store.BeginMovesAsync([new PlannedMove(Path.Combine(Root, "temp_downloads", name), path, outcome)], Token);
        await Store.CompleteMovesAsync([new CompletedMove(ids[0], path)], Token);
        var row = await Store.FindReviewByPathAsync(path, Token);
        return new GivenFile(row!.Id, path, hash);
    }

    /// <summary><paramref name="count"/> review files in review/<paramref name="category"/>/, one journalled move each.</summary>
    public async Task<IReadOnlyList<GivenFile>> GivenReviewFilesInAsync(string category, string prefix, int count)
    {
        var files = new List<GivenFile>();
        for (var i = 0; i < count; i++)
        {
            files.Add(await GivenReviewFileAsync($"{prefix}{i}.jpg", category));
        }

        return files;
    }

    /// <summary>Many review files at once, in one journal transaction (as a burst from the pipeline).</summary>
    public async Task<IReadOnlyList<GivenFile>> GivenReviewFilesAsync(int count, string prefix = "unknown_")
    {
        var paths = Enumerable.Range(0, count).Select(i => Path.Combine(Review, ReviewCategories.Unidentified, $"{prefix}{i:D4}.jpg")).ToList();
        var hashes = paths.Select(WriteUnique).ToList();
        var planned = paths.Select((path, i) => new PlannedMove(path + ".src", path,
            new OutcomeRecord(RecordKind.Review, hashes[i], null, null, ReviewCategories.Unidentified, "unknown person", 1, null, null))).ToList();
        var ids = await Store.BeginMovesAsync(planned, Token);
        await Store.CompleteMovesAsync(ids.Select((id, i) => new CompletedMove(id, paths[i])).ToList(), Token);
        var rows = (await Store.ListReviewAsync(null, null, Token)).ToDictionary(row => row.FilePath, StringComparer.Ordinal);
        return paths.Select((path, i) => new GivenFile(rows[path].Id, path, hashes[i])).ToList();
    }

    public static string WriteUnique(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var content = new byte[2048];
        RandomNumberGenerator.Fill(content);
        File.WriteAllBytes(path, content);
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }

    public Task<ReviewItem?> RowAsync(long id) => Store.GetReviewItemAsync(id, Token);

    public async Task<ReviewItem> WaitForRowAsync(long id, Func<ReviewItem, bool> condition, string what, TimeSpan? timeout = null)
    {
        ReviewItem? row = null;
        await Eventually.UntilAsync(async () => (row = await RowAsync(id)) is { } found && condition(found), timeout ?? TimeSpan.FromSeconds(15), what, Token);
        return row!;
    }

    /// <summary>Runs a real tool (mv, gio, python3, mount) and fails with its output if it fails.</summary>
    public static async Task RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    /// <summary>The folder becomes a fresh tmpfs, a second filesystem (needs root: the tests run as root here and in CI).</summary>
    public async Task MountTmpfsAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        try
        {
            await RunAsync("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", directory);
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException($"This test needs a second filesystem: it mounts a tmpfs on {directory}, which needs root (or CAP_SYS_ADMIN). {exception.Message}", exception);
        }

        _mounts.Add(directory);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var mount in _mounts)
        {
            await RunAsync("umount", "-l", mount);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless
        }
    }
}
