using System.Text.Json.Nodes;
using FaceSorter.IntegrationTests.Support;
using Npgsql;

namespace FaceSorter.IntegrationTests.MachineLearning;

/// <summary>
/// The whole daemon in MachineLearning mode while its first gallery load waits for Immich's database
/// (a test transaction holds a lock on <c>person</c>): files whose faces need the gallery wait for it,
/// and nothing behind them does (docs/matching.md, "Gallery load"; issue 13, goal 5).
/// </summary>
public sealed class FirstGalleryLoadTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly MachineLearningVectors _vectors = new(seed: 13);
    private PostgresImmichDatabase _database = null!;

    private CancellationToken Token => _timeout.Token;

    public async ValueTask InitializeAsync() =>
        _database = await PostgresImmichDatabase.CreateAsync(PostgresImmichDatabase.V31, Token);

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Duplicates_and_files_without_faces_are_sorted_while_more_files_with_faces_than_check_workers_wait_for_the_first_load()
    {
        var aliceFace = await AddAliceAsync();
        const int NoFaceTag = 700;
        await using var ml = await MachineLearningEmulator.StartAsync(Token);
        ml.Answer = request => request.Tag == NoFaceTag
            ? MachineLearningEmulator.Faces()
            : MachineLearningEmulator.Faces(new MachineLearningEmulatorFace(_vectors.AtDistance(aliceFace, 0.05, length: 20)));

        await using var locker = await LockPeopleAsync();
        await using var daemon = await StartAsync(ml, cfg =>
        {
            cfg["PipelineCapacity"] = 8;
            cfg["Immich"]!["MaxConcurrentRequests"] = 1;
        });

        // Three check workers (MaxConcurrentRequests + 2): if each file with faces held its worker until
        // the load, three would stop every file behind them. Eight is as many as may wait apart
        // (PipelineCapacity), so every worker is free again.
        var withFaces = Enumerable.Range(1, 8).ToDictionary(i => $"alice{i}.jpg", i => TestImages.Photo(700 + i));
        foreach (var (name, content) in withFaces)
        {
            TestImages.Write(daemon.Inbox, name, content);
        }

        await Eventually.UntilAsync(() => Task.FromResult(ml.Requests.Count == withFaces.Count), Deadline, "every file with faces shown to the ML service", Token);
        TestImages.Write(daemon.Inbox, "copy.jpg", withFaces["alice1.jpg"]);
        TestImages.Write(daemon.Inbox, "landscape.jpg", TestImages.Photo(NoFaceTag));

        await Eventually.UntilAsync(() => Task.FromResult(InReview("copy.jpg") is not null && InReview("landscape.jpg") is not null), Deadline, "the duplicate and the file without faces sorted", Token);
        InReview("copy.jpg").Should().Contain(Path.Combine("review", "duplicates"));
        Directory.GetFiles(daemon.Inbox).Select(Path.GetFileName).Should().BeEquivalentTo(withFaces.Keys, "files with faces wait for the gallery");

        await locker.DisposeAsync();
        await Eventually.UntilAsync(() => Task.FromResult(Directory.GetFiles(daemon.Inbox).Length == 0), Deadline, "the files with faces sorted once the load ends", Token);
        Directory.GetFiles(Path.Combine(daemon.Faces, "alice")).Select(Path.GetFileName).Should().BeEquivalentTo(withFaces.Keys);
        ml.Requests.Should().HaveCount(withFaces.Count + 1, "a file waiting for the load is not shown to the ML service again");

        string? InReview(string name) => Directory.GetFiles(daemon.Review, "*" + name, SearchOption.AllDirectories).SingleOrDefault();
    }

    [Fact]
    public async Task A_file_waiting_for_a_first_load_that_fails_is_checked_again_from_the_start_and_sorted_once_the_database_answers()
    {
        var aliceFace = await AddAliceAsync();
        await using var ml = await MachineLearningEmulator.StartAsync(Token);
        ml.Answer = _ => MachineLearningEmulator.Faces(new MachineLearningEmulatorFace(_vectors.AtDistance(aliceFace, 0.05, length: 20)));
        await using var locker = await LockPeopleAsync();
        await using var daemon = await StartAsync(ml);

        TestImages.Write(daemon.Inbox, "alice.jpg", TestImages.Photo(721));
        await Eventually.UntilAsync(() => Task.FromResult(ml.Requests.Count == 1), Deadline, "the file shown to the ML service", Token);

        // Every load that waits for the lock is ended by the server, as when Immich's database restarts,
        // until the file's own load has failed and the file has been checked again.
        await Eventually.UntilAsync(async () => await EndWaitingLoadsAsync() >= 0 && ml.Requests.Count >= 2, Deadline, "the file checked again after its load failed", Token);
        File.Exists(Path.Combine(daemon.Inbox, "alice.jpg")).Should().BeTrue("no answer is acted on without the gallery");

        await locker.DisposeAsync();
        await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "alice", "alice.jpg"), "sorted once the database answers", Token);
    }

    [Fact]
    public async Task A_daemon_stopped_while_files_wait_for_the_first_load_stops_at_once_and_leaves_them_to_the_next_start()
    {
        var aliceFace = await AddAliceAsync();
        await using var ml = await MachineLearningEmulator.StartAsync(Token);
        ml.Answer = _ => MachineLearningEmulator.Faces(new MachineLearningEmulatorFace(_vectors.AtDistance(aliceFace, 0.05, length: 20)));
        var locker = await LockPeopleAsync();
        var daemon = await StartAsync(ml);
        TestImages.Write(daemon.Inbox, "alice1.jpg", TestImages.Photo(731));
        TestImages.Write(daemon.Inbox, "alice2.jpg", TestImages.Photo(732));
        await Eventually.UntilAsync(() => Task.FromResult(ml.Requests.Count == 2), Deadline, "both files shown to the ML service", Token);

        await daemon.DisposeAsync();
        Directory.GetFiles(daemon.Inbox).Select(Path.GetFileName).Should().BeEquivalentTo(["alice1.jpg", "alice2.jpg"]);

        await locker.DisposeAsync();
        await using var next = await StartAsync(ml);
        await next.UntilSortedAsync(Path.Combine(next.Faces, "alice", "alice1.jpg"), "sorted by the next start", Token);
        await next.UntilSortedAsync(Path.Combine(next.Faces, "alice", "alice2.jpg"), "sorted by the next start", Token);
    }

    [Fact]
    public async Task In_Upload_mode_with_Immichs_database_a_file_without_faces_is_sorted_while_files_with_named_faces_wait_for_the_first_load()
    {
        var owner = await _database.AddUserAsync(Token);
        var alice = await _database.AddPersonAsync(owner, "Alice", Token);
        var anchor = _vectors.Random();
        await _database.AddFaceAsync(owner, alice, anchor, Token);
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Token);
        var withFaces = new Dictionary<string, byte[]>();
        for (var i = 1; i <= 3; i++)
        {
            // The face Immich "recognises" in each upload, stored as Immich stores it.
            var face = await _database.AddFaceAsync(owner, alice, _vectors.AtDistance(anchor, 0.15), Token);
            var content = TestImages.Jpeg(740 + i);
            immich.SetFaces(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), EmulatedFace.Named("Alice") with { FaceId = face.ToString() });
            withFaces[$"alice{i}.jpg"] = content;
        }

        await using var locker = await LockPeopleAsync();
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = immich.Url;
            cfg["Immich"]!["ApiKey"] = immich.ApiKey;
            cfg["Immich"]!["MaxConcurrentRequests"] = 1;
            cfg["Immich"]!["DatabaseConnectionString"] = _database.ConnectionString;
        }, Token);
        foreach (var (name, content) in withFaces)
        {
            TestImages.Write(daemon.Inbox, name, content);
        }

        // One Immich slot and three check workers: a file with faces that kept either until the load
        // would keep the file without faces from ever being uploaded.
        await Eventually.UntilAsync(() => Task.FromResult(immich.Uploads.Count == withFaces.Count), Deadline, "every file with faces uploaded", Token);
        TestImages.Write(daemon.Inbox, "landscape.jpg", TestImages.Jpeg(750));
        await Eventually.UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(daemon.Review, "unidentified", "noface_landscape.jpg"))), Deadline, "sorted without the gallery", Token);
        Directory.GetFiles(daemon.Inbox).Select(Path.GetFileName).Should().BeEquivalentTo(withFaces.Keys, "their confidence needs the gallery");

        await locker.DisposeAsync();
        await Eventually.UntilAsync(() => Task.FromResult(Directory.GetFiles(daemon.Inbox).Length == 0), Deadline, "the files with faces sorted once the load ends", Token);
        Directory.GetFiles(Path.Combine(daemon.Faces, "alice")).Select(Path.GetFileName).Should().BeEquivalentTo(withFaces.Keys, "0.85 is above MinConfidence");
    }

    private async Task<float[]> AddAliceAsync()
    {
        var owner = await _database.AddUserAsync(Token);
        var face = _vectors.Random();
        await _database.AddFaceAsync(owner, await _database.AddPersonAsync(owner, "Alice", Token), face, Token);
        return face;
    }

    /// <summary>A connection whose open transaction locks <c>person</c>: every gallery load waits until it is disposed.</summary>
    private async Task<NpgsqlConnection> LockPeopleAsync()
    {
        var locker = await _database.DataSource.OpenConnectionAsync(Token);
        await new NpgsqlCommand("BEGIN; LOCK TABLE person IN ACCESS EXCLUSIVE MODE", locker).ExecuteNonQueryAsync(Token);
        return locker;
    }

    private Task<TestDaemon> StartAsync(MachineLearningEmulator ml, Action<JsonObject>? configure = null) =>
        TestDaemon.StartAsync(_folder.Path, cfg =>
        {
            cfg["Immich"]!["Mode"] = "MachineLearning";
            cfg["Immich"]!["MachineLearningUrl"] = ml.BaseAddress.ToString();
            cfg["Immich"]!["DatabaseConnectionString"] = _database.ConnectionString;
            configure?.Invoke(cfg);
        }, Token);

    private async Task<long> EndWaitingLoadsAsync()
    {
        await using var command = _database.DataSource.CreateCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
        return (long)(await command.ExecuteScalarAsync(Token))!;
    }
}
