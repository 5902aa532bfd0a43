using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FaceSorter.IntegrationTests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FaceSorter.IntegrationTests.MachineLearning;

/// <summary>
/// The whole daemon with a real confidence: MachineLearning mode (ML emulator + an Immich-shaped
/// PostgreSQL database, nothing uploaded) and Upload mode with <c>DatabaseConnectionString</c> set.
/// Real watcher, real files, real SQLite store; embeddings are placed at chosen cosine distances.
/// </summary>
public sealed class ConfidenceSortingTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly MachineLearningVectors _vectors = new(seed: 11);
    private PostgresImmichDatabase _database = null!;
    private Guid _owner;

    private CancellationToken Token => _timeout.Token;

    public async ValueTask InitializeAsync()
    {
        _database = await PostgresImmichDatabase.CreateAsync(PostgresImmichDatabase.V31, Token);
        _owner = await _database.AddUserAsync(Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task MachineLearning_mode_sorts_by_who_is_in_the_picture_with_a_real_confidence_and_uploads_nothing()
    {
        var alice = await _database.AddPersonAsync(_owner, "Alice", Token);
        var bob = await _database.AddPersonAsync(_owner, "Bob", Token);
        var aliceFace = _vectors.Random();
        var bobFace = _vectors.Random();
        await _database.AddFaceAsync(_owner, alice, aliceFace, Token);
        await _database.AddFaceAsync(_owner, bob, bobFace, Token);
        var between = _vectors.Random();
        await _database.AddFaceAsync(_owner, alice, _vectors.AtDistance(between, 0.30), Token);
        await _database.AddFaceAsync(_owner, bob, _vectors.AtDistance(between, 0.33), Token);

        var pictures = new Dictionary<string, float[]>
        {
            ["clear.jpg"] = _vectors.AtDistance(aliceFace, 0.10, length: 20),
            ["weak.jpg"] = _vectors.AtDistance(bobFace, 0.45, length: 20),
            ["between.jpg"] = between,
        };
        var contents = pictures.Keys.ToDictionary(name => name, name => TestImages.Photo(name.Length * 31));
        var byTag = pictures.ToDictionary(pair => pair.Key.Length * 31, pair => pair.Value);
        await using var ml = await MachineLearningEmulator.StartAsync(Token);
        ml.Answer = request => MachineLearningEmulator.Faces(new MachineLearningEmulatorFace(byTag[request.Tag]));

        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg =>
        {
            cfg["MinConfidence"] = 0.6;
            cfg["Immich"]!["Mode"] = "MachineLearning";
            cfg["Immich"]!["Url"] = "http://127.0.0.1:9"; // nothing listens: this mode must not need the server
            cfg["Immich"]!["MachineLearningUrl"] = ml.BaseAddress.ToString();
            cfg["Immich"]!["DatabaseConnectionString"] = _database.ConnectionString;
        }, Token);
        foreach (var (name, content) in contents)
        {
            TestImages.Write(daemon.Inbox, name, content);
        }

        var reviews = await daemon.ReviewRowsAsync(2, Token);
        await Eventually.UntilAsync(() => Task.FromResult(SortedConfidence(daemon, "alice") is not null), Deadline, "clear.jpg recorded", Token);

        File.Exists(Path.Combine(daemon.Faces, "alice", "clear.jpg")).Should().BeTrue();
        SortedConfidence(daemon, "alice").Should().BeApproximately(0.90, 1e-4);
        var weak = reviews.Should().ContainSingle(row => row.FilePath.EndsWith("lowconf_weak.jpg", StringComparison.Ordinal)).Which;
        weak.Category.Should().Be("low_confidence");
        weak.Confidence.Should().BeApproximately(0.55, 1e-4);
        weak.SuggestedPerson.Should().Be("bob");
        var ambiguous = reviews.Should().ContainSingle(row => row.FilePath.EndsWith("lowconf_between.jpg", StringComparison.Ordinal)).Which;
        ambiguous.Reason.Should().Contain("alice").And.Contain("bob");
        ml.Requests.Should().HaveCount(3, "each file is predicted once");
        Directory.GetFiles(daemon.Inbox, "*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public async Task During_an_ML_service_outage_that_fills_the_pipeline_duplicates_and_files_that_need_no_ML_service_are_still_sorted()
    {
        await using var ml = await MachineLearningEmulator.StartAsync(Token);
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg =>
        {
            cfg["PipelineCapacity"] = 2; // two queue for the ML stage beside its six workers; the rest wait in the drop folder
            cfg["Immich"]!["Mode"] = "MachineLearning";
            cfg["Immich"]!["MachineLearningUrl"] = ml.BaseAddress.ToString();
            cfg["Immich"]!["DatabaseConnectionString"] = _database.ConnectionString;
        }, Token);
        var original = TestImages.Photo(700);
        TestImages.Write(daemon.Inbox, "original.jpg", original);
        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "noface_original.jpg"), "the first copy sorted while the ML service answers", Token);
        ml.Answer = _ => MachineLearningEmulator.Error(503, "the model is loading");

        var waiting = Enumerable.Range(0, 16).Select(i => TestImages.Write(daemon.Inbox, $"needs_ml_{i}.jpg", TestImages.Photo(701 + i))).ToList();
        var ledger = daemon.Host.Services.GetRequiredService<FaceSorter.Pipeline.InboxLedger>();
        await Eventually.UntilAsync(() => ledger.WaitingForImmichCount > 0, Deadline, "files that need the ML service are set aside once the pipeline is full", Token);
        TestImages.Write(daemon.Inbox, "copy.jpg", original);
        await File.WriteAllTextAsync(Path.Combine(daemon.Inbox, "notes.jpg"), "not a picture\n", Token);

        var duplicate = Path.Combine(daemon.Review, "duplicates", "duplicate_copy.jpg");
        var notPicture = Path.Combine(daemon.Review, "unidentified", "invalid_notes.jpg");
        await Eventually.UntilAsync(() => File.Exists(duplicate) && File.Exists(notPicture), Deadline, "the duplicate and the file that is no picture are sorted during the outage", Token);
        waiting.Should().OnlyContain(path => File.Exists(path), "nothing that needs the ML service is decided during the outage");
        (await daemon.Store.GetHeldFilesAsync(Token)).Select(held => held.Reason).Should().NotBeEmpty()
            .And.OnlyContain(reason => reason.StartsWith("Immich unavailable", StringComparison.Ordinal));

        ml.Answer = _ => MachineLearningEmulator.Faces();

        foreach (var path in waiting)
        {
            await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "noface_" + Path.GetFileName(path)), "sorted once the ML service answers", Token);
        }

        (await daemon.Store.GetHeldFilesAsync(Token)).Should().BeEmpty("every held file was sorted");
    }

    [Fact]
    public async Task An_approval_teaches_the_daemon_the_persons_face_so_the_next_photo_sorts_itself()
    {
        var alice = await _database.AddPersonAsync(_owner, "Alice", Token);
        await _database.AddFaceAsync(_owner, alice, _vectors.Random(), Token);
        var carol = _vectors.Random(); // nobody in Immich has this face
        var first = TestImages.Photo(601);
        var second = TestImages.Photo(602);
        var byTag = new Dictionary<int, float[]>
        {
            [601] = _vectors.AtDistance(carol, 0.05, length: 12),
            [602] = _vectors.AtDistance(carol, 0.10, length: 15),
        };
        await using var ml = await MachineLearningEmulator.StartAsync(Token);
        ml.Answer = request => MachineLearningEmulator.Faces(new MachineLearningEmulatorFace(byTag[request.Tag]));
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg =>
        {
            cfg["Immich"]!["Mode"] = "MachineLearning";
            cfg["Immich"]!["MachineLearningUrl"] = ml.BaseAddress.ToString();
            cfg["Immich"]!["DatabaseConnectionString"] = _database.ConnectionString;
        }, Token);

        TestImages.Write(daemon.Inbox, "first.jpg", first);
        var unknown = (await daemon.ReviewRowsAsync(1, Token)).Single();
        unknown.FilePath.Should().EndWith(Path.Combine("unidentified", "unknown_first.jpg"));
        Directory.CreateDirectory(Path.Combine(daemon.Faces, "carol"));
        File.Move(unknown.FilePath, Path.Combine(daemon.Faces, "carol", "first.jpg")); // the user approves in the file manager
        await Eventually.UntilAsync(() => Task.FromResult(LearnedPeople(daemon).Contains("carol")), Deadline, "carol's face learned from the approval", Token);

        TestImages.Write(daemon.Inbox, "second.jpg", second);

        await Eventually.UntilAsync(() => Task.FromResult(SortedConfidence(daemon, "carol") is not null), Deadline, "second.jpg sorted to carol", Token);
        File.Exists(Path.Combine(daemon.Faces, "carol", "second.jpg")).Should().BeTrue();
        SortedConfidence(daemon, "carol").Should().BeGreaterThan(0.8);
        await using var carols = _database.DataSource.CreateCommand("SELECT count(*) FROM person WHERE name = 'carol' OR name = 'Carol'");
        ((long)(await carols.ExecuteScalarAsync(Token))!).Should().Be(0, "the face was learned in FaceSorter's store; Immich still has no Carol");
    }

    [Fact]
    public async Task MachineLearning_mode_treats_a_hidden_persons_face_as_no_named_person_as_Upload_mode_does()
    {
        var mona = await _database.AddPersonAsync(_owner, "Mona", Token, hidden: true);
        var monaFace = _vectors.Random();
        await _database.AddFaceAsync(_owner, mona, monaFace, Token);
        await using var ml = await MachineLearningEmulator.StartAsync(Token);
        ml.Answer = _ => MachineLearningEmulator.Faces(new MachineLearningEmulatorFace(_vectors.AtDistance(monaFace, 0.05, length: 14)));
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg =>
        {
            cfg["Immich"]!["Mode"] = "MachineLearning";
            cfg["Immich"]!["MachineLearningUrl"] = ml.BaseAddress.ToString();
            cfg["Immich"]!["DatabaseConnectionString"] = _database.ConnectionString;
        }, Token);

        TestImages.Write(daemon.Inbox, "hidden.jpg", TestImages.Photo(611));

        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "unknown_hidden.jpg"), "a hidden person is no named person in both modes", Token);
        Directory.Exists(Path.Combine(daemon.Faces, "mona")).Should().BeFalse();
    }

    [Fact]
    public async Task In_MachineLearning_mode_an_approval_not_told_to_Immich_says_nothing_was_uploaded()
    {
        var carol = _vectors.Random();
        await using var immich = await ImmichEmulator.StartAsync("2.7.5", Token);
        await using var ml = await MachineLearningEmulator.StartAsync(Token);
        ml.Answer = _ => MachineLearningEmulator.Faces(new MachineLearningEmulatorFace(_vectors.AtDistance(carol, 0.05, length: 12)));
        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg =>
        {
            cfg["Immich"]!["Mode"] = "MachineLearning";
            cfg["Immich"]!["Url"] = immich.Url;
            cfg["Immich"]!["ApiKey"] = immich.ApiKey;
            cfg["Immich"]!["AssignApprovals"] = true;
            cfg["Immich"]!["MachineLearningUrl"] = ml.BaseAddress.ToString();
            cfg["Immich"]!["DatabaseConnectionString"] = _database.ConnectionString;
        }, Token);
        TestImages.Write(daemon.Inbox, "first.jpg", TestImages.Photo(612));
        var unknown = (await daemon.ReviewRowsAsync(1, Token)).Single();

        Directory.CreateDirectory(Path.Combine(daemon.Faces, "carol"));
        File.Move(unknown.FilePath, Path.Combine(daemon.Faces, "carol", "first.jpg"));

        await Eventually.UntilAsync(() => Task.FromResult(AssignmentOutcome(daemon) is not null), Deadline, "the approval handled", Token);
        AssignmentOutcome(daemon).Should().Contain("MachineLearning mode uploads nothing").And.NotContain("KeepAssets");
        immich.Uploads.Should().BeEmpty();
    }

    [Fact]
    public async Task Upload_mode_with_immichs_database_records_the_distance_to_the_persons_other_faces()
    {
        var alice = await _database.AddPersonAsync(_owner, "Alice", Token);
        var anchor = _vectors.Random();
        await _database.AddFaceAsync(_owner, alice, anchor, Token);

        // The faces Immich "recognises" in the two uploads, stored as Immich stores them.
        var close = await _database.AddFaceAsync(_owner, alice, _vectors.AtDistance(anchor, 0.15), Token);
        var far = await _database.AddFaceAsync(_owner, alice, _vectors.AtDistance(anchor, 0.55), Token);

        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Token);
        var closeContent = TestImages.Jpeg(501);
        var farContent = TestImages.Jpeg(502);
        immich.SetFaces(Sha256(closeContent), EmulatedFace.Named("Alice") with { FaceId = close.ToString() });
        immich.SetFaces(Sha256(farContent), EmulatedFace.Named("Alice") with { FaceId = far.ToString() });

        await using var daemon = await TestDaemon.StartAsync(_folder.Path, cfg =>
        {
            cfg["MinConfidence"] = 0.6;
            cfg["Immich"]!["Url"] = immich.Url;
            cfg["Immich"]!["ApiKey"] = immich.ApiKey;
            cfg["Immich"]!["DatabaseConnectionString"] = _database.ConnectionString;
        }, Token);
        TestImages.Write(daemon.Inbox, "close.jpg", closeContent);
        TestImages.Write(daemon.Inbox, "far.jpg", farContent);

        var review = (await daemon.ReviewRowsAsync(1, Token)).Single();
        await Eventually.UntilAsync(() => Task.FromResult(SortedConfidence(daemon, "alice") is not null), Deadline, "close.jpg recorded", Token);

        SortedConfidence(daemon, "alice").Should().BeApproximately(0.85, 1e-4, "1 − the distance to Alice's nearest other face");
        review.FilePath.Should().EndWith(Path.Combine("low_confidence", "lowconf_far.jpg"));
        review.Confidence.Should().BeApproximately(0.45, 1e-4);
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static List<string> LearnedPeople(TestDaemon daemon)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Path.GetDirectoryName(daemon.Inbox)!, "facesorter.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT person_name FROM learned_faces WHERE length(embedding) > 0";
        using var reader = command.ExecuteReader();
        var people = new List<string>();
        while (reader.Read())
        {
            people.Add(reader.GetString(0));
        }

        return people;
    }

    /// <summary>The confidence recorded for the file sorted to <paramref name="person"/>, read from the SQLite file as a user would.</summary>
    private static string? AssignmentOutcome(TestDaemon daemon)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Path.GetDirectoryName(daemon.Inbox)!, "facesorter.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT outcome FROM immich_assignments";
        return command.ExecuteScalar() as string;
    }

    private static double? SortedConfidence(TestDaemon daemon, string person)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Path.GetDirectoryName(daemon.Inbox)!, "facesorter.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT confidence FROM downloads WHERE person_name = $person AND auto_sorted = 1";
        command.Parameters.AddWithValue("$person", person);
        return command.ExecuteScalar() is double confidence ? confidence : null;
    }
}
