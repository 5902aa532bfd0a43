using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FaceSorter.Decisions;
using FaceSorter.Immich;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// The whole product path on real parts: real watcher, real files, a real SQLite file and an
/// emulated Immich over real HTTP, for a v2 and a v3 server.
/// </summary>
public sealed class UploadModeSortingTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private ImmichEmulator _immich = null!;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_immich is not null)
        {
            await _immich.DisposeAsync();
        }

        _timeout.Dispose();
        _folder.Dispose();
    }

    private async Task<TestDaemon> StartAsync(string version, Action<JsonObject>? configure = null)
    {
        _immich = await ImmichEmulator.StartAsync(version, _timeout.Token);
        return await TestDaemon.StartAsync(_folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = _immich.Url;
            cfg["Immich"]!["ApiKey"] = _immich.ApiKey;
            configure?.Invoke(cfg);
        }, _timeout.Token);
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>
    /// Stops Immich and drops 16 distinct pictures (<see cref="TestImages.Jpeg"/> from <paramref name="seed"/>) into a
    /// daemon started with PipelineCapacity 2, until one of them is set aside (docs/architecture.md, "A bounded
    /// working set"): their contents, their paths and the index of the one set aside.
    /// </summary>
    private async Task<(List<byte[]> Contents, List<string> Paths, int SetAside)> GivenOneSetAsideAsync(TestDaemon daemon, int seed)
    {
        await _immich.StopAsync();
        var contents = Enumerable.Range(0, 16).Select(i => TestImages.Jpeg(seed + i)).ToList();
        var paths = contents.Select((content, i) => TestImages.Write(daemon.Inbox, $"waits_{i}.jpg", content)).ToList();
        var ledger = daemon.Host.Services.GetRequiredService<FaceSorter.Pipeline.InboxLedger>();
        await Eventually.UntilAsync(() => paths.Any(ledger.IsWaitingForImmich), Deadline, "a file is set aside", _timeout.Token);
        return (contents, paths, paths.FindIndex(ledger.IsWaitingForImmich));
    }

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task One_named_face_is_sorted_into_that_persons_folder_with_unknown_confidence(string version)
    {
        await using var daemon = await StartAsync(version);
        var content = TestImages.Jpeg(1);
        _immich.SetFaces(Sha256(content), EmulatedFace.Named("Alice Smith"));

        TestImages.Write(Path.Combine(daemon.Inbox, "instagram"), "pic.jpg", content);

        var sorted = Path.Combine(daemon.Faces, "alice_smith", "pic.jpg");
        await daemon.UntilSortedAsync(sorted, "sorted into faces/alice_smith", _timeout.Token);
        var stats = await daemon.Store.GetStatsAsync(7, TimeProvider.System.GetUtcNow().AddMinutes(1), _timeout.Token);
        stats.AutoSorted.Should().Be(1);
        stats.ByPerson.Should().Equal(new Dictionary<string, int> { ["alice_smith"] = 1 });
        File.Exists(Path.Combine(daemon.Inbox, "instagram", "pic.jpg")).Should().BeFalse();
        _immich.Uploads.Should().ContainSingle();
    }

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task Each_outcome_lands_in_its_review_folder_with_its_prefix(string version)
    {
        await using var daemon = await StartAsync(version, cfg => cfg["Blacklist"] = new JsonArray("Mallory"));
        var cases = new (string Name, EmulatedFace[] Faces, string Expected)[]
        {
            ("none.jpg", [], "unidentified/noface_none.jpg"),
            ("stranger.jpg", [EmulatedFace.WithoutPerson()], "unidentified/unknown_stranger.jpg"),
            ("cluster.jpg", [EmulatedFace.InUnnamedPerson()], "unidentified/unknown_cluster.jpg"),
            ("two.jpg", [EmulatedFace.Named("Alice"), new EmulatedFace("Bob", 10, 10, 300, 300)], "multiple_faces/multi_two.jpg"),
            ("mallory.jpg", [EmulatedFace.Named("Mallory")], "unwanted_person/unwanted_mallory.jpg"),
        };
        for (var i = 0; i < cases.Length; i++)
        {
            var content = TestImages.Jpeg(100 + i);
            _immich.SetFaces(Sha256(content), cases[i].Faces);
            TestImages.Write(daemon.Inbox, cases[i].Name, content);
        }

        foreach (var (_, _, expected) in cases)
        {
            await daemon.UntilSortedAsync(Path.Combine(daemon.Review, expected), expected, _timeout.Token);
        }

        // The record is written right after the move, in the same batch.
        await Eventually.UntilAsync(async () => (await daemon.Store.ListReviewAsync(null, ReviewAction.Pending, _timeout.Token)).Count == cases.Length, Deadline, "all recorded", _timeout.Token);
        var rows = await daemon.Store.ListReviewAsync(null, ReviewAction.Pending, _timeout.Token);
        rows.Select(row => Path.GetRelativePath(daemon.Review, row.FilePath)).Should().BeEquivalentTo(cases.Select(c => c.Expected));
        rows.Single(row => row.FilePath.EndsWith("multi_two.jpg", StringComparison.Ordinal)).FacesDetected.Should().Be(2);
        rows.Should().OnlyContain(row => row.Confidence == null && row.FileHash != null && row.FileHash.Length == 64);
    }

    [Fact]
    public async Task A_person_not_on_the_whitelist_goes_to_review()
    {
        await using var daemon = await StartAsync("3.1.0", cfg => cfg["Whitelist"] = new JsonArray("Alice"));
        var content = TestImages.Jpeg(7);
        _immich.SetFaces(Sha256(content), EmulatedFace.Named("Bob"));

        TestImages.Write(daemon.Inbox, "bob.jpg", content);

        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "notwhitelisted_bob.jpg"), "not whitelisted", _timeout.Token);
        (await daemon.Store.ListReviewAsync(null, null, _timeout.Token)).Single().SuggestedPerson.Should().Be("bob");
    }

    [Fact]
    public async Task Known_content_goes_to_duplicates_with_a_reason_naming_the_earlier_copy()
    {
        await using var daemon = await StartAsync("3.1.0");
        var content = TestImages.Jpeg(9);
        _immich.SetFaces(Sha256(content), EmulatedFace.Named("Alice"));
        TestImages.Write(daemon.Inbox, "first.jpg", content);
        var first = Path.Combine(daemon.Faces, "alice", "first.jpg");
        await daemon.UntilSortedAsync(first, "first sorted", _timeout.Token);

        TestImages.Write(daemon.Inbox, "again.jpg", content);

        var duplicate = Path.Combine(daemon.Review, "duplicates", "duplicate_again.jpg");
        var row = (await daemon.ReviewRowsAsync(1, _timeout.Token)).Single(); // recorded after the move
        File.Exists(duplicate).Should().BeTrue();
        row.Category.Should().Be("duplicates");
        row.Reason.Should().Contain(first);
        _immich.Uploads.Should().ContainSingle("a duplicate is never sent to Immich");
    }

    [Fact]
    public async Task Two_copies_dropped_at_once_make_exactly_one_original()
    {
        await using var daemon = await StartAsync("3.1.0");
        var content = TestImages.Jpeg(11);
        _immich.SetFaces(Sha256(content), EmulatedFace.Named("Alice"));

        for (var i = 0; i < 6; i++)
        {
            TestImages.Write(daemon.Inbox, $"copy{i}.jpg", content);
        }

        await Eventually.UntilAsync(() => Directory.GetFiles(daemon.Inbox).Length == 0, Deadline, "all six handled", _timeout.Token);
        Directory.GetFiles(Path.Combine(daemon.Faces, "alice")).Should().ContainSingle();
        Directory.GetFiles(Path.Combine(daemon.Review, "duplicates")).Should().HaveCount(5);
    }

    [Fact]
    public async Task Faces_that_appear_only_after_Immichs_jobs_ran_are_waited_for()
    {
        await using var daemon = await StartAsync("2.7.5");
        var content = TestImages.Jpeg(13);
        _immich.SetFaces(Sha256(content), EmulatedFace.Named("Carol"));
        _immich.SetProcessing(Sha256(content), new EmulatedProcessing(DetectAfterFaceReads: 2, NameAfterFaceReads: 4));

        TestImages.Write(daemon.Inbox, "late.jpg", content);

        await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "carol", "late.jpg"), "sorted once named", _timeout.Token);
    }

    [Theory]
    [InlineData("2.7.5", "faceDetection")]
    [InlineData("2.7.5", "facialRecognition")]
    [InlineData("3.1.0", "faceDetection")]
    public async Task While_a_face_queue_is_paused_files_wait_in_the_drop_folder_and_their_assets_are_kept(string version, string queue)
    {
        await using var daemon = await StartAsync(version, cfg => cfg["Immich"]!["KeepAssets"] = false);
        var content = TestImages.Jpeg(31);
        _immich.SetFaces(Sha256(content), EmulatedFace.Named("Kim"));
        _immich.PauseQueue(queue);

        var path = TestImages.Write(daemon.Inbox, "paused.jpg", content);
        var outage = daemon.Host.Services.GetRequiredService<ImmichOutage>();
        await Eventually.UntilAsync(() => outage.IsDown, Deadline, "the paused queue is the reason files wait", _timeout.Token);
        outage.Reason.Should().Contain(queue).And.Contain("paused");
        await Eventually.HoldsForAsync(() => File.Exists(path) && _immich.DeletedAssetIds.Count == 0, TimeSpan.FromSeconds(1.5), "nothing is decided, and nothing deleted, on an answer that is not final", _timeout.Token);

        _immich.ResumeQueue(queue);

        await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "kim", "paused.jpg"), "sorted once the queue runs again", _timeout.Token);
        _immich.Assets.Should().ContainSingle("every retry found the first upload's asset");
        _immich.DeletedAssetIds.Should().ContainSingle("KeepAssets: false purges it once the answer is final");
    }

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task With_a_key_that_is_not_an_admins_a_face_found_late_and_named_later_is_still_sorted(string version)
    {
        await using var daemon = await StartAsync(version);
        _immich.IsAdmin = false;
        var content = TestImages.Jpeg(32);
        _immich.SetFaces(Sha256(content), EmulatedFace.Named("Lea"));
        _immich.SetProcessing(Sha256(content), new EmulatedProcessing(DetectAfterFaceReads: 5, NameAfterFaceReads: 7));

        TestImages.Write(daemon.Inbox, "late.jpg", content);

        await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "lea", "late.jpg"), "sorted as Lea, not noface_ or unknown_", _timeout.Token);
    }

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task A_face_of_a_person_the_user_hid_goes_to_review_as_no_named_person(string version)
    {
        await using var daemon = await StartAsync(version);
        var content = TestImages.Jpeg(33);
        _immich.SetFaces(Sha256(content), EmulatedFace.Named("Mona"));
        _immich.HidePerson("Mona");

        TestImages.Write(daemon.Inbox, "hidden.jpg", content);

        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "unknown_hidden.jpg"), "a hidden person is no named person, as in MachineLearning mode", _timeout.Token);
        Directory.Exists(Path.Combine(daemon.Faces, "mona")).Should().BeFalse();
        (await daemon.Store.ListReviewAsync(null, null, _timeout.Token)).Single().Reason.Should().Contain("Mona is hidden in Immich");
    }

    /// <summary>A real photo (it gets a fingerprint, which shows it was claimed), and a copy of it at half size: a near copy, which no exact-duplicate check would pass over.</summary>
    private (byte[] Photo, byte[] HalfSize) PhotoAndHalfSizeCopy()
    {
        var photo = File.ReadAllBytes(RealPhotos.All()[1]);
        using var image = NetVips.Image.NewFromBuffer(photo);
        using var half = image.Resize(0.5);
        var copy = half.JpegsaveBuffer(q: 90);
        _immich.SetFaces(Sha256(photo), EmulatedFace.Named("Dave"));
        _immich.SetFaces(Sha256(copy), EmulatedFace.Named("Dave"));
        return (photo, copy);
    }

    [Fact]
    public async Task A_file_deleted_while_it_waits_for_Immich_gives_up_its_claim_so_a_later_copy_is_no_duplicate_of_it()
    {
        // The later copy is a near copy: an exact copy would pass either way, since the exact check
        // already passes over a claim whose file is gone (Hashing/DuplicateChecker.cs); the near check
        // has only the store's claim to go by.
        await using var daemon = await StartAsync("3.1.0");
        var (content, halfSize) = PhotoAndHalfSizeCopy();
        await _immich.StopAsync();

        var path = TestImages.Write(daemon.Inbox, "waiting.jpg", content);
        var outage = daemon.Host.Services.GetRequiredService<ImmichOutage>();
        await Eventually.UntilAsync(() => outage.IsDown, Deadline, "the outage is noticed", _timeout.Token);
        await Eventually.UntilAsync(async () => (await daemon.Store.ListFingerprintsAsync(_timeout.Token)).Count == 1, Deadline, "the waiting file claimed its content", _timeout.Token);
        File.Delete(path); // the user changes their mind while it waits
        await _immich.StartAgainAsync(_timeout.Token);
        await daemon.UntilIdleAsync("the deleted file found gone once Immich is back", _timeout.Token);

        TestImages.Write(daemon.Inbox, "again.jpg", halfSize);

        await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "dave", "again.jpg"), "the copy sorted as the only copy there is", _timeout.Token);
        (await daemon.Store.ListReviewAsync(null, null, _timeout.Token)).Should().BeEmpty("the deleted file is no earlier copy");
    }

    [Fact]
    public async Task A_file_deleted_while_the_daemon_was_stopped_gives_up_its_claim_at_the_next_start_so_a_later_copy_is_no_duplicate_of_it()
    {
        string configPath;
        string waiting;
        var (content, halfSize) = (Array.Empty<byte>(), Array.Empty<byte>());
        await using (var first = await StartAsync("3.1.0"))
        {
            (content, halfSize) = PhotoAndHalfSizeCopy();
            await _immich.StopAsync();
            configPath = first.ConfigPath;
            waiting = TestImages.Write(first.Inbox, "waiting.jpg", content);
            await Eventually.UntilAsync(async () => (await first.Store.ListFingerprintsAsync(_timeout.Token)).Count == 1, Deadline, "the waiting file claimed its content", _timeout.Token);
        }

        File.Delete(waiting); // deleted while FaceSorter is stopped
        await _immich.StartAgainAsync(_timeout.Token);
        await using var daemon = await TestDaemon.StartAsync(configPath, _timeout.Token);
        TestImages.Write(daemon.Inbox, "again.jpg", halfSize);

        await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "dave", "again.jpg"), "the copy sorted as the only copy there is", _timeout.Token);
        (await daemon.Store.ListReviewAsync(null, null, _timeout.Token)).Should().BeEmpty("the deleted file is no earlier copy");
    }

    [Fact]
    public async Task During_an_Immich_outage_files_wait_in_the_drop_folder_and_are_sorted_when_it_is_back()
    {
        await using var daemon = await StartAsync("3.1.0");
        var content = TestImages.Jpeg(17);
        _immich.SetFaces(Sha256(content), EmulatedFace.Named("Dave"));
        await _immich.StopAsync();

        var path = TestImages.Write(daemon.Inbox, "waiting.jpg", content);
        var also = TestImages.Write(daemon.Inbox, "waiting2.jpg", TestImages.Jpeg(18));
        var outage = daemon.Host.Services.GetRequiredService<ImmichOutage>();
        await Eventually.UntilAsync(() => outage.IsDown, Deadline, "the outage is noticed", _timeout.Token);
        await Eventually.HoldsForAsync(() => File.Exists(path) && File.Exists(also), TimeSpan.FromSeconds(1.5), "nothing is routed during an outage", _timeout.Token);

        await _immich.StartAgainAsync(_timeout.Token);

        await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "dave", "waiting.jpg"), "sorted after the outage", _timeout.Token);
        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "noface_waiting2.jpg"), "the other one too", _timeout.Token);
        (await daemon.Store.GetHeldFilesAsync(_timeout.Token)).Should().BeEmpty("an outage is not a failure of the file");
    }

    [Fact]
    public async Task During_an_Immich_outage_that_fills_the_pipeline_duplicates_and_files_that_need_no_Immich_are_still_sorted()
    {
        // Two files queue for the Immich stage beside its six workers: the rest that need Immich wait in
        // the drop folder (docs/architecture.md, "A bounded working set").
        await using var daemon = await StartAsync("3.1.0", cfg => cfg["PipelineCapacity"] = 2);
        var original = TestImages.Jpeg(40);
        _immich.SetFaces(Sha256(original), EmulatedFace.Named("Dave"));
        TestImages.Write(daemon.Inbox, "original.jpg", original);
        await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "dave", "original.jpg"), "the first copy sorted while Immich is up", _timeout.Token);
        await _immich.StopAsync();

        var waiting = Enumerable.Range(0, 16).Select(i => TestImages.Write(daemon.Inbox, $"needs_immich_{i}.jpg", TestImages.Jpeg(41 + i))).ToList();
        var ledger = daemon.Host.Services.GetRequiredService<FaceSorter.Pipeline.InboxLedger>();
        await Eventually.UntilAsync(() => ledger.WaitingForImmichCount > 0, Deadline, "files that need Immich are set aside once the pipeline is full", _timeout.Token);
        TestImages.Write(daemon.Inbox, "copy.jpg", original);
        await File.WriteAllTextAsync(Path.Combine(daemon.Inbox, "notes.jpg"), "not a picture\n", _timeout.Token);

        // Files wait in the Immich stage meanwhile, so the pipeline is not idle: the two destinations are waited for.
        var duplicate = Path.Combine(daemon.Review, "duplicates", "duplicate_copy.jpg");
        var notPicture = Path.Combine(daemon.Review, "unidentified", "invalid_notes.jpg");
        await Eventually.UntilAsync(() => File.Exists(duplicate) && File.Exists(notPicture), Deadline, "the duplicate and the file that is no picture are sorted during the outage", _timeout.Token);
        daemon.Host.Services.GetRequiredService<ImmichOutage>().IsDown.Should().BeTrue("Immich is still stopped");
        waiting.Should().OnlyContain(path => File.Exists(path), "nothing that needs Immich is decided during the outage");
        (await daemon.Store.GetHeldFilesAsync(_timeout.Token)).Select(held => held.Reason).Should().NotBeEmpty("the files set aside are held with their reason")
            .And.OnlyContain(reason => reason.StartsWith("Immich unavailable", StringComparison.Ordinal));

        await _immich.StartAgainAsync(_timeout.Token);

        foreach (var path in waiting)
        {
            await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "noface_" + Path.GetFileName(path)), "sorted once Immich is back", _timeout.Token);
        }

        ledger.WaitingForImmichCount.Should().Be(0);
        (await daemon.Store.GetHeldFilesAsync(_timeout.Token)).Should().BeEmpty("every held file was sorted");
    }

    [Fact]
    public async Task A_file_rewritten_while_it_waits_for_Immich_is_no_earlier_copy_of_its_old_content()
    {
        await using var daemon = await StartAsync("3.1.0", cfg => cfg["PipelineCapacity"] = 2);
        var (contents, paths, index) = await GivenOneSetAsideAsync(daemon, 60);
        var ledger = daemon.Host.Services.GetRequiredService<FaceSorter.Pipeline.InboxLedger>();

        await File.WriteAllBytesAsync(paths[index], TestImages.Jpeg(99), _timeout.Token); // another picture written over it, in place
        var rewritten = new FileInfo(paths[index]);
        await Eventually.UntilAsync(() => ledger.IsSetAsideUnchanged(rewritten.FullName, rewritten.Length, rewritten.LastWriteTimeUtc), Deadline,
            "the rewritten file is hashed again and set aside again", _timeout.Token);
        var copy = TestImages.Write(daemon.Inbox, "copy_of_old.jpg", contents[index]);
        await Eventually.UntilAsync(() => ledger.IsWaitingForImmich(copy), Deadline,
            "the copy of the old content is no duplicate: it waits for Immich too", _timeout.Token);

        await _immich.StartAgainAsync(_timeout.Token);

        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "noface_copy_of_old.jpg"), "the only copy of that content is sorted as itself", _timeout.Token);
        (Directory.Exists(Path.Combine(daemon.Review, "duplicates")) ? Directory.GetFiles(Path.Combine(daemon.Review, "duplicates")) : []).Should().BeEmpty("nothing here is a copy of another file");
    }

    [Fact]
    public async Task A_file_rewritten_while_it_waits_at_Immich_is_no_longer_named_as_the_earlier_copy_of_its_old_content()
    {
        await using var daemon = await StartAsync("3.1.0");
        await _immich.StopAsync();
        var old = TestImages.Jpeg(70);
        var path = TestImages.Write(daemon.Inbox, "a.jpg", old);
        var outage = daemon.Host.Services.GetRequiredService<ImmichOutage>();
        await Eventually.UntilAsync(async () => outage.IsDown && (await daemon.Store.ListDropFolderClaimsAsync(_timeout.Token)).Contains(new ContentPlace(Sha256(old), path)),
            Deadline, "the file was hashed and waits at Immich", _timeout.Token);

        await File.WriteAllBytesAsync(path, TestImages.Jpeg(71), _timeout.Token); // another picture written over it, in place, while it waits
        TestImages.Write(daemon.Inbox, "copy_of_old.jpg", old);
        var duplicate = Path.Combine(daemon.Review, "duplicates", "duplicate_copy_of_old.jpg");
        await Eventually.UntilAsync(() => File.Exists(duplicate), Deadline, "the copy is taken for a copy of the waiting file, which it was when that was hashed", _timeout.Token);

        await _immich.StartAgainAsync(_timeout.Token);

        // The waiting file is moved, found changed since it was hashed (late writes), returned and sorted again with its new content.
        await daemon.UntilSortedAsync(Path.Combine(daemon.Review, "unidentified", "noface_a.jpg"), "the rewritten file sorted with its new content", _timeout.Token);
        var item = (await daemon.Store.ListReviewAsync(null, null, _timeout.Token)).Single(row => row.FilePath == duplicate);
        item.EarlierCopy.Should().BeNull("the file it named holds other content now: this may be the only copy");
        item.Reason.Should().EndWith(ExactCopy.RewrittenEnd);
    }

    [Fact]
    public async Task A_file_rewritten_into_a_copy_of_a_sorted_file_while_it_waits_for_Immich_is_no_longer_named_as_the_earlier_copy_of_its_old_content()
    {
        await using var daemon = await StartAsync("3.1.0", cfg => cfg["PipelineCapacity"] = 2);
        var sorted = TestImages.Jpeg(100);
        _immich.SetFaces(Sha256(sorted), EmulatedFace.Named("Dave"));
        TestImages.Write(daemon.Inbox, "sorted.jpg", sorted);
        await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "dave", "sorted.jpg"), "sorted while Immich is up", _timeout.Token);
        var (contents, paths, index) = await GivenOneSetAsideAsync(daemon, 101);
        TestImages.Write(daemon.Inbox, "copy_of_old.jpg", contents[index]);
        var copy = Path.Combine(daemon.Review, "duplicates", "duplicate_copy_of_old.jpg");
        await Eventually.UntilAsync(() => File.Exists(copy), Deadline, "the copy is a duplicate of the waiting file, which holds that content now", _timeout.Token);

        await File.WriteAllBytesAsync(paths[index], sorted, _timeout.Token); // a copy of the sorted file written over it, in place

        await Eventually.UntilAsync(() => File.Exists(Path.Combine(daemon.Review, "duplicates", $"duplicate_waits_{index}.jpg")), Deadline,
            "the rewritten file is a duplicate of the sorted one", _timeout.Token);
        // The move comes before its record (a journalled move), so the rows are read once the record is in.
        ReviewItem? item = null;
        await Eventually.UntilAsync(
            async () => (item = (await daemon.Store.ListReviewAsync(null, null, _timeout.Token)).Single(row => row.FilePath == copy)).EarlierCopy is null,
            Deadline,
            "the file it named left with other content: this may be the only copy of its own",
            _timeout.Token);
        item!.Reason.Should().EndWith(ExactCopy.RewrittenEnd);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_file_replaced_while_it_waits_at_Immich_by_other_bytes_of_the_same_size_and_time_is_not_recorded_under_its_old_content(bool byRename)
    {
        await using var daemon = await StartAsync("3.1.0");
        var old = TestImages.Jpeg(120);
        _immich.SetFaces(Sha256(old), EmulatedFace.Named("Dave"));
        await _immich.StopAsync();
        var path = TestImages.Write(daemon.Inbox, "a.jpg", old);
        var outage = daemon.Host.Services.GetRequiredService<ImmichOutage>();
        await Eventually.UntilAsync(async () => outage.IsDown && (await daemon.Store.ListDropFolderClaimsAsync(_timeout.Token)).Contains(new ContentPlace(Sha256(old), path)),
            Deadline, "the file was hashed and waits at Immich", _timeout.Token);

        // Other bytes of the same length, with the old modification time put back (rsync -t, cp -p, touch -r do this).
        var other = (byte[])old.Clone();
        other[^3] ^= 0x01;
        var mtime = File.GetLastWriteTimeUtc(path);
        var written = byRename ? Path.Combine(daemon.Inbox, ".a.jpg.tmp") : path;
        await File.WriteAllBytesAsync(written, other, _timeout.Token);
        File.SetLastWriteTimeUtc(written, mtime);
        if (byRename)
        {
            File.Move(written, path, overwrite: true);
        }

        await _immich.StartAgainAsync(_timeout.Token);

        var sortedAgain = Path.Combine(daemon.Review, "unidentified", "noface_a.jpg");
        await daemon.UntilSortedAsync(sortedAgain, "sorted with the content it holds, which Immich finds no face in", _timeout.Token);
        Directory.Exists(Path.Combine(daemon.Faces, "dave")).Should().BeFalse("the old content's answer is not acted on for other bytes");
        (await daemon.Store.FindReviewByPathAsync(sortedAgain, _timeout.Token))!.FileHash.Should().Be(Sha256(other));
        TestImages.Write(daemon.Inbox, "old_again.jpg", old);
        await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "dave", "old_again.jpg"), "no file holds the old content, so its copy is the first", _timeout.Token);
    }

    [Fact]
    public async Task A_file_deleted_while_it_waits_for_Immich_gives_up_its_claim_and_its_hold()
    {
        await using var daemon = await StartAsync("3.1.0", cfg => cfg["PipelineCapacity"] = 2);
        var (_, paths, index) = await GivenOneSetAsideAsync(daemon, 80);
        var ledger = daemon.Host.Services.GetRequiredService<FaceSorter.Pipeline.InboxLedger>();
        var deleted = paths[index];
        (await daemon.Store.ListDropFolderClaimsAsync(_timeout.Token)).Should().Contain(claim => claim.Path == deleted, "it claimed its content when it was hashed");

        File.Delete(deleted);

        // A shared PostgreSQL store never drops another file's claim on its own: the daemon must (docs/contracts.md, "Stored paths").
        await Eventually.UntilAsync(async () => !(await daemon.Store.ListDropFolderClaimsAsync(_timeout.Token)).Any(claim => claim.Path == deleted)
            && !(await daemon.Store.GetHeldFilesAsync(_timeout.Token)).Any(held => held.FilePath == deleted), Deadline, "its claim and its hold are given up", _timeout.Token);
        ledger.IsWaitingForImmich(deleted).Should().BeFalse();
    }

    [Fact]
    public async Task A_file_too_large_for_a_proxy_in_front_of_Immich_stays_with_the_reason_and_the_files_behind_it_are_sorted()
    {
        await using var daemon = await StartAsync("3.1.0");
        _immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Dave"));
        _immich.ProxyBodyLimit = 64 * 1024;
        var large = TestImages.Write(daemon.Inbox, "large.jpg", TestImages.Jpeg(40, 256 * 1024));
        TestImages.Write(daemon.Inbox, "small1.jpg", TestImages.Jpeg(41));
        TestImages.Write(daemon.Inbox, "small2.jpg", TestImages.Jpeg(42));

        await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "dave", "small1.jpg"), "a small file behind it", _timeout.Token);
        await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "dave", "small2.jpg"), "the other small file", _timeout.Token);
        await Eventually.UntilAsync(async () => (await daemon.Store.GetHeldFilesAsync(_timeout.Token)).Count == 1, Deadline, "the large file held with its reason", _timeout.Token);

        var held = (await daemon.Store.GetHeldFilesAsync(_timeout.Token)).Single();
        held.FilePath.Should().Be(large);
        held.Reason.Should().Contain("HTTP 413").And.Contain("client_max_body_size");
        File.Exists(large).Should().BeTrue("it stays in the drop folder: no decision was made about it");
        daemon.Host.Services.GetRequiredService<ImmichOutage>().IsDown.Should().BeFalse("a refusal of one file is no outage");
    }

    [Fact]
    public async Task A_file_Immich_fails_again_and_again_while_it_answers_other_files_is_held_and_holds_up_no_one()
    {
        await using var daemon = await StartAsync("3.1.0");
        _immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Dave"));
        var content = TestImages.Jpeg(50);
        _immich.FailUploadsOf(Sha256(content));
        var failing = TestImages.Write(daemon.Inbox, "chokes.jpg", content);

        // Other downloads keep arriving, one at a time: each is sorted while the failing one is retried.
        var next = 0;
        while ((await daemon.Store.GetHeldFilesAsync(_timeout.Token)).Count == 0)
        {
            next++;
            TestImages.Write(daemon.Inbox, $"other{next}.jpg", TestImages.Jpeg(100 + next));
            var other = Path.Combine(daemon.Faces, "dave", $"other{next}.jpg");
            await Eventually.UntilAsync(() => File.Exists(other), Deadline, $"other{next}.jpg sorted while chokes.jpg fails", _timeout.Token); // chokes.jpg stays in flight: not UntilSortedAsync
            next.Should().BeLessThan(60, "the failing file is held after a few failures");
        }

        var held = (await daemon.Store.GetHeldFilesAsync(_timeout.Token)).Single();
        held.FilePath.Should().Be(failing);
        held.Reason.Should().Contain("while Immich answered other files").And.Contain("HTTP 500");
        File.Exists(failing).Should().BeTrue();
        daemon.Host.Services.GetRequiredService<ImmichOutage>().IsDown.Should().BeFalse();
    }

    [Theory]
    [InlineData("500")]
    [InlineData("garbage")]
    public async Task Server_errors_and_garbage_answers_are_retried_until_Immich_answers_properly(string fault)
    {
        await using var daemon = await StartAsync("3.1.0");
        var content = TestImages.Jpeg(19);
        _immich.SetFaces(Sha256(content), EmulatedFace.Named("Erin"));
        if (fault == "500")
        {
            _immich.Fail("POST /api/assets", times: 3);
        }
        else
        {
            _immich.AnswerGarbage("POST /api/assets", times: 2);
        }

        TestImages.Write(daemon.Inbox, "flaky.jpg", content);

        await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "erin", "flaky.jpg"), "sorted after retries", _timeout.Token);
        (await daemon.Store.ListReviewAsync(null, null, _timeout.Token)).Should().BeEmpty();
    }
}
