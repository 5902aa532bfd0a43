using FaceSorter.Immich;
using FaceSorter.Immich.MachineLearning;
using FaceSorter.IntegrationTests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace FaceSorter.IntegrationTests.MachineLearning;

/// <summary>The service over time: refreshing the gallery, and answers that are not faces.</summary>
public sealed class MachineLearningFaceServiceTests : IDisposable
{
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(60));
    private readonly MachineLearningVectors _vectors = new();

    private CancellationToken Token => _deadline.Token;

    public void Dispose() => _deadline.Dispose();

    [Fact]
    public async Task Matching_goes_on_with_the_old_gallery_while_a_refresh_waits_for_the_database()
    {
        await using var harness = await MachineLearningHarness.StartAsync(PostgresImmichDatabase.V31, Token);
        var db = harness.Database;
        var owner = await db.AddUserAsync(Token);
        var aliceFace = _vectors.Random();
        await db.AddFaceAsync(owner, await db.AddPersonAsync(owner, "Alice", Token), aliceFace, Token);
        await harness.Gallery.RefreshAsync(Token);
        var bobFace = _vectors.Random();
        await db.AddFaceAsync(owner, await db.AddPersonAsync(owner, "Bob", Token), bobFace, Token);
        harness.Emulator.Answer = _ => MachineLearningEmulator.Faces(new MachineLearningEmulatorFace(aliceFace), new MachineLearningEmulatorFace(bobFace));

        Task<GallerySnapshot> refreshing;
        await using (var locker = await db.DataSource.OpenConnectionAsync(Token))
        await using (var transaction = await locker.BeginTransactionAsync(Token))
        {
            await new NpgsqlCommand("LOCK TABLE person IN ACCESS EXCLUSIVE MODE", locker, transaction).ExecuteNonQueryAsync(Token);
            refreshing = harness.Gallery.RefreshAsync(Token);
            await Eventually.UntilAsync(async () => await WaitingLocksAsync(db) > 0, TimeSpan.FromSeconds(10), "the refresh waits for the lock", Token);

            var during = await harness.FaceService.CheckAsync(await harness.ImageAsync("during.jpg", Token), Token);

            refreshing.IsCompleted.Should().BeFalse("the refresh is still waiting for the lock");
            during.Should().BeOfType<FaceCheck.Analyzed>().Which.Faces.Select(f => f.Person).Should().Equal("Alice", null);
            await transaction.RollbackAsync(Token);
        }

        (await refreshing).People.Should().HaveCount(2);
        var after = await harness.FaceService.CheckAsync(await harness.ImageAsync("after.jpg", Token), Token);
        after.Should().BeOfType<FaceCheck.Analyzed>().Which.Faces.Select(f => f.Person).Should().Equal("Alice", "Bob");
    }

    [Fact]
    public async Task A_picture_without_faces_and_one_the_ML_service_cannot_read_are_decided_while_the_first_gallery_load_waits_for_the_database()
    {
        await using var harness = await MachineLearningHarness.StartAsync(PostgresImmichDatabase.V31, Token);
        var db = harness.Database;
        var owner = await db.AddUserAsync(Token);
        await db.AddFaceAsync(owner, await db.AddPersonAsync(owner, "Alice", Token), _vectors.Random(), Token);

        await using var locker = await db.DataSource.OpenConnectionAsync(Token);
        await using var transaction = await locker.BeginTransactionAsync(Token);
        await new NpgsqlCommand("LOCK TABLE person IN ACCESS EXCLUSIVE MODE", locker, transaction).ExecuteNonQueryAsync(Token);
        harness.Emulator.Answer = _ => MachineLearningEmulator.Faces();
        var noFaces = await harness.FaceService.CheckAsync(await harness.ImageAsync("landscape.jpg", Token), Token);
        harness.Emulator.Answer = _ => MachineLearningEmulator.Error(400, "Image has zero size");
        var unreadable = await harness.FaceService.CheckAsync(await harness.ImageAsync("empty.jpg", Token), Token);

        await Eventually.UntilAsync(async () => await WaitingLocksAsync(db) > 0, TimeSpan.FromSeconds(10), "the first gallery load waits for the lock", Token);
        harness.Gallery.Current.Should().BeNull("the gallery cannot be read while the lock is held");
        noFaces.Should().BeOfType<FaceCheck.Analyzed>().Which.Faces.Should().BeEmpty();
        unreadable.Should().BeOfType<FaceCheck.Unreadable>();
        await transaction.RollbackAsync(Token);
        await Eventually.UntilAsync(() => harness.Gallery.Current is not null, TimeSpan.FromSeconds(10), "the load ends once the lock is gone", Token);
    }

    [Theory]
    [InlineData("clip.mp4", new byte[] { 0, 0, 0, 0x14, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6F, 0x6D, 0, 0, 2, 0, 0x6D, 0x70, 0x34, 0x31 }, "an MP4 video: MachineLearning mode reads still images only")]
    [InlineData("favicon.ico", new byte[] { 0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 0, 4, 0, 0, 22, 0, 0, 0 }, "a Windows icon (ICO): Immich does not accept .ico or .cur")]
    public async Task A_file_the_ML_service_is_not_given_is_not_sent_and_the_reason_names_its_type(string name, byte[] bytes, string reason)
    {
        await using var harness = await MachineLearningHarness.StartAsync(PostgresImmichDatabase.V31, Token);

        var result = await harness.FaceService.CheckAsync(await harness.ImageAsync(name, bytes, Token), Token);

        result.Should().BeOfType<FaceCheck.NotAccepted>().Which.Reason.Should().StartWith(reason);
        harness.Emulator.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task The_refresher_loads_at_start_and_again_every_GalleryRefreshInterval_logging_the_counts()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = await MachineLearningHarness.StartAsync(
            PostgresImmichDatabase.V32, Token, options => options.GalleryRefreshInterval = TimeSpan.FromMinutes(10), time);
        var db = harness.Database;
        var owner = await db.AddUserAsync(Token);
        await db.AddFaceAsync(owner, await db.AddPersonAsync(owner, "Alice", Token), _vectors.Random(), Token);
        var refresher = harness.Services.GetServices<IHostedService>().OfType<GalleryRefresher>().Single();

        await refresher.StartAsync(Token);
        await Eventually.UntilAsync(() => harness.Gallery.Current is not null, TimeSpan.FromSeconds(10), "the first load", Token);
        await db.AddFaceAsync(owner, await db.AddPersonAsync(owner, "Bob", Token), _vectors.Random(), Token);

        // Drive the clock a minute at a time until Bob appears. The refresher may register its
        // delay a moment after the first load, so it can take more than ten minutes, never fewer.
        var minutes = 0;
        await Eventually.UntilAsync(
            () =>
            {
                if (harness.Gallery.Current!.People.Count == 2)
                {
                    return true;
                }

                time.Advance(TimeSpan.FromMinutes(1));
                minutes++;
                return false;
            },
            TimeSpan.FromSeconds(20),
            "Bob appears after a refresh",
            Token);
        await refresher.StopAsync(Token);

        minutes.Should().BeGreaterThanOrEqualTo(10);
        var messages = harness.Logs.GetSnapshot().Select(r => r.Message).ToList();
        messages.Should().Contain(m => m.StartsWith("Gallery loaded: 1 named people, 1 faces", StringComparison.Ordinal));
        messages.Should().Contain(m => m.StartsWith("Gallery loaded: 2 named people, 2 faces", StringComparison.Ordinal));
        messages.Should().ContainSingle(m => m.StartsWith("Immich database layout PersonGroups detected", StringComparison.Ordinal), "the layout is logged when it changes, not on every refresh");
    }

    [Fact]
    public async Task An_image_the_ML_service_cannot_read_is_unreadable()
    {
        await using var harness = await MachineLearningHarness.StartAsync(PostgresImmichDatabase.V31, Token);
        harness.Emulator.Answer = _ => MachineLearningEmulator.Error(400, "Image has zero size");

        var check = await harness.FaceService.CheckAsync(await harness.ImageAsync("empty.jpg", Token), Token);

        check.Should().BeOfType<FaceCheck.Unreadable>().Which.Reason.Should().Contain("Image has zero size");
    }

    [Theory]
    [InlineData("sideways phone photo", 2000, 1000, 6, 720, 1440)]
    [InlineData("upside down", 1000, 800, 3, 1000, 800)]
    [InlineData("large", 4000, 3000, 1, 1440, 1080)]
    [InlineData("small, never enlarged", 96, 64, 1, 96, 64)]
    public async Task The_ML_service_is_sent_an_upright_preview_of_at_most_1440_pixels_as_Immichs_server_sends(
        string what, int width, int height, int orientation, int sentWidth, int sentHeight)
    {
        await using var harness = await MachineLearningHarness.StartAsync(PostgresImmichDatabase.V31, Token);
        harness.Emulator.Answer = _ => MachineLearningEmulator.Faces();

        await harness.FaceService.CheckAsync(await harness.ImageAsync("photo.jpg", TestImages.Photo(77, width, height, orientation), Token), Token);

        var sent = harness.Emulator.Requests.Should().ContainSingle().Subject;
        sent.Decoded().Should().Be((sentWidth, sentHeight, 1), what + ": rotated by its EXIF orientation, which is then dropped, and shrunk to 1440 px on the long side");
        sent.Tag.Should().Be(77, "it is the same picture");
    }

    [Fact]
    public async Task A_file_that_cannot_be_decoded_here_is_unreadable_with_the_reason_and_is_not_sent()
    {
        await using var harness = await MachineLearningHarness.StartAsync(PostgresImmichDatabase.V31, Token);

        var check = await harness.FaceService.CheckAsync(await harness.ImageAsync("broken.jpg", TestImages.Jpeg(5), Token), Token);

        check.Should().BeOfType<FaceCheck.Unreadable>().Which.Reason.Should().Contain("cannot be decoded here");
        harness.Emulator.Requests.Should().BeEmpty("the ML service is never asked about what cannot be made into a preview, so this is no outage");
    }

    [Fact]
    public async Task A_bare_500_for_a_file_while_the_test_image_is_read_makes_the_file_unreadable()
    {
        await using var harness = await MachineLearningHarness.StartAsync(PostgresImmichDatabase.V31, Token);
        harness.Emulator.Answer = request => request.Image.AsSpan().SequenceEqual(ProbeImage.Bytes)
            ? MachineLearningEmulator.Faces()
            : Results.Text("Internal Server Error", statusCode: 500); // what FastAPI sends when Pillow cannot decode

        var check = await harness.FaceService.CheckAsync(await harness.ImageAsync("photo.heic", Token), Token);

        check.Should().BeOfType<FaceCheck.Unreadable>().Which.Reason.Should().Contain("fails on this image");
        harness.Emulator.Requests.Should().HaveCount(2, "the file, then the test image");
    }

    [Fact]
    public async Task An_ML_service_that_is_down_leaves_the_file_waiting()
    {
        await using var harness = await MachineLearningHarness.StartAsync(PostgresImmichDatabase.V31, Token);
        harness.Emulator.Answer = _ => MachineLearningEmulator.Error(500, "Failed to load model");

        var act = async () => await harness.FaceService.CheckAsync(await harness.ImageAsync("x.jpg", Token), Token);

        await act.Should().ThrowAsync<FaceServiceUnavailableException>();
    }

    [Fact]
    public async Task However_many_files_are_checked_at_once_no_more_than_MaxConcurrentRequests_reach_the_ML_service()
    {
        await using var harness = await MachineLearningHarness.StartAsync(PostgresImmichDatabase.V31, Token, options => options.MaxConcurrentRequests = 2);
        harness.Emulator.Answer = _ => MachineLearningEmulator.Faces(new MachineLearningEmulatorFace(_vectors.Random()));
        harness.Emulator.Delay = TimeSpan.FromMilliseconds(50);
        var images = new List<FaceCheckRequest>();
        for (var i = 0; i < 6; i++)
        {
            images.Add(await harness.ImageAsync($"photo{i}.jpg", Token));
        }

        var checks = await Task.WhenAll(images.Select(image => harness.FaceService.CheckAsync(image, Token)));

        checks.Should().AllBeOfType<FaceCheck.Analyzed>().And.AllSatisfy(check => ((FaceCheck.Analyzed)check).Faces.Should().ContainSingle());
        harness.Emulator.Requests.Should().HaveCount(6);
        harness.Emulator.MaxConcurrency.Should().BeLessThanOrEqualTo(2, "the preview and matching run outside the slots, the requests inside them");
    }

    private static async Task<long> WaitingLocksAsync(PostgresImmichDatabase db)
    {
        await using var command = db.DataSource.CreateCommand("SELECT count(*) FROM pg_locks WHERE NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
