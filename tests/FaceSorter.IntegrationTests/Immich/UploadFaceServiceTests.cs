using System.Security.Cryptography;
using FaceSorter.Decisions;
using FaceSorter.Immich;
using FaceSorter.Immich.Upload;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace FaceSorter.IntegrationTests.Immich;

/// <summary>
/// Upload mode over real HTTP against the Immich emulator, as v2.7.5 (the last v2) and v3.1.0.
/// The service's clock runs 50× faster, so its backoff and wait budget take milliseconds; HTTP
/// timeouts stay real.
/// </summary>
public sealed class UploadFaceServiceTests : IDisposable
{
    private const double ClockSpeed = 50;
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private int _seed;

    private CancellationToken Ct => _timeout.Token;

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task One_named_face_gives_the_persons_name_and_no_confidence(string version)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        var image = GivenImage();
        immich.SetFaces(image.Sha256, new EmulatedFace("Alice Doe", 10, 20, 110, 150));
        await using var service = GivenService(immich);

        var result = await service.Faces.CheckAsync(image, Ct);

        var analyzed = result.Should().BeOfType<FaceCheck.Analyzed>().Subject;
        analyzed.AssetId.Should().Be(immich.Assets.Single().Id);
        analyzed.Note.Should().BeNull();
        var face = analyzed.Faces.Should().ContainSingle().Subject;
        face.Person.Should().Be("Alice Doe");
        face.Confidence.Should().BeNull("Immich stores no distance, so Upload mode never invents one");
        face.Box.Should().Be(new FaceBox(10, 20, 110, 150));
        face.FaceId.Should().Be(immich.Assets.Single().Faces.Single().FaceId);
        face.PersonId.Should().NotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task Faces_that_are_detected_and_named_only_later_are_waited_for(string version)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        var image = GivenImage();
        immich.SetFaces(image.Sha256, EmulatedFace.Named("Bob"));
        immich.SetProcessing(image.Sha256, new EmulatedProcessing(DetectAfterFaceReads: 2, NameAfterFaceReads: 5));
        await using var service = GivenService(immich);

        var result = await service.Faces.CheckAsync(image, Ct);

        var analyzed = result.Should().BeOfType<FaceCheck.Analyzed>().Subject;
        analyzed.Faces.Should().ContainSingle().Which.Person.Should().Be("Bob");
        analyzed.Note.Should().BeNull();
        immich.Assets.Single().FaceReads.Should().BeGreaterThan(5, "the answer came after the naming and one more read to see it stable");
    }

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task A_face_without_a_person_or_in_an_unnamed_person_is_unnamed(string version)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        var image = GivenImage();
        immich.SetFaces(image.Sha256, EmulatedFace.WithoutPerson(), EmulatedFace.InUnnamedPerson() with { X1 = 800, X2 = 900 });
        await using var service = GivenService(immich);

        var result = await service.Faces.CheckAsync(image, Ct);

        var faces = result.Should().BeOfType<FaceCheck.Analyzed>().Subject.Faces;
        faces.Should().HaveCount(2).And.OnlyContain(face => face.Person == null && face.Confidence == null);
        faces.Count(face => face.PersonId != null).Should().Be(1, "an unnamed cluster still has Immich's person id");
    }

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task A_server_error_makes_the_service_unavailable(string version)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        immich.Fail("GET /api/faces", times: 100, status: 503);
        await using var service = GivenService(immich);

        var act = () => service.Faces.CheckAsync(GivenImage(), Ct);

        (await act.Should().ThrowAsync<FaceServiceUnavailableException>()).Which.Message.Should().Contain("503").And.Contain("/api/faces");
    }

    [Fact]
    public async Task A_single_server_error_on_a_read_is_retried_once()
    {
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Carol"));
        immich.Fail("GET /api/faces", times: 1);
        await using var service = GivenService(immich);

        var result = await service.Faces.CheckAsync(GivenImage(), Ct);

        result.Should().BeOfType<FaceCheck.Analyzed>().Which.Faces.Should().ContainSingle().Which.Person.Should().Be("Carol");
    }

    [Theory]
    [InlineData("2.7.5", "POST /api/assets")]
    [InlineData("3.1.0", "GET /api/faces")]
    [InlineData("3.1.0", "GET /api/server/version")]
    public async Task An_answer_that_is_not_json_makes_the_service_unavailable(string version, string route)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        immich.AnswerGarbage(route, times: 100);
        await using var service = GivenService(immich);

        var act = () => service.Faces.CheckAsync(GivenImage(), Ct);

        (await act.Should().ThrowAsync<FaceServiceUnavailableException>()).Which.Message.Should().Contain("not the expected JSON");
    }

    [Fact]
    public async Task A_refused_connection_makes_the_service_unavailable_until_immich_is_back()
    {
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Dan"));
        await using var service = GivenService(immich);
        var image = GivenImage();
        await immich.StopAsync();

        var act = () => service.Faces.CheckAsync(image, Ct);

        (await act.Should().ThrowAsync<FaceServiceUnavailableException>()).Which.Message.Should().Contain("unreachable").And.Contain(immich.Url);
        await immich.StartAgainAsync(Ct);
        (await service.Faces.CheckAsync(image, Ct)).Should().BeOfType<FaceCheck.Analyzed>().Which.Faces.Single().Person.Should().Be("Dan");
    }

    [Fact]
    public async Task An_answer_slower_than_the_request_timeout_makes_the_service_unavailable()
    {
        await using var immich = await ImmichEmulator.StartAsync("2.7.5", Ct);
        immich.Delay("POST /api/assets", TimeSpan.FromSeconds(20));
        await using var service = GivenService(immich, options => options.RequestTimeout = TimeSpan.FromMilliseconds(300));

        var act = () => service.Faces.CheckAsync(GivenImage(), Ct);

        (await act.Should().ThrowAsync<FaceServiceUnavailableException>()).Which.Message.Should().Contain("did not answer").And.Contain("RequestTimeout");
    }

    [Fact]
    public async Task An_upload_that_takes_longer_than_the_request_timeout_but_keeps_going_is_not_timed_out()
    {
        // A large file on a slow link: 48 MB at 12 MB/s takes 4 s, twice RequestTimeout. It timed out every
        // time, and each time Immich was "down" (helper-66's trial). The sockets hold some megabytes in flight,
        // sent but not yet read, so the last progress comes up to about 1 s before the server has it all.
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);
        immich.UploadBytesPerSecond = 12 * 1024 * 1024;
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Gus"));
        await using var service = GivenService(immich, options => options.RequestTimeout = TimeSpan.FromSeconds(2));
        var image = GivenFile("large.jpg", TestImages.Jpeg(Interlocked.Increment(ref _seed), 48 * 1024 * 1024));

        var result = (FaceCheck.Analyzed)await service.Faces.CheckAsync(image, Ct);

        result.Faces.Single().Person.Should().Be("Gus");
    }

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task A_wrong_api_key_makes_the_service_unavailable_and_says_so(string version)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        await using var service = GivenService(immich, options => options.ApiKey = "wrong");

        var act = () => service.Faces.CheckAsync(GivenImage(), Ct);

        (await act.Should().ThrowAsync<FaceServiceUnavailableException>()).Which.Message.Should().Contain("401").And.Contain("ApiKey");
    }

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task A_file_of_no_known_type_is_not_sent(string version)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        await using var service = GivenService(immich);
        var notAnImage = GivenFile("notes.jpg", "just some text, not a JPEG"u8.ToArray());

        var result = await service.Faces.CheckAsync(notAnImage, Ct);

        result.Should().BeOfType<FaceCheck.NotAccepted>().Which.Reason.Should().Contain("not an image");
        immich.Uploads.Should().BeEmpty();
    }

    [Fact]
    public async Task A_type_missing_from_the_servers_media_types_is_not_sent_and_the_reason_names_it()
    {
        await using var immich = await ImmichEmulator.StartAsync("2.7.5", Ct);
        immich.MediaTypes = immich.MediaTypes with { Image = [.. immich.MediaTypes.Image.Where(extension => extension != ".webp")] };
        await using var service = GivenService(immich);

        var result = await service.Faces.CheckAsync(GivenFile("pic.webp", TestImages.WebP(Interlocked.Increment(ref _seed))), Ct);

        result.Should().BeOfType<FaceCheck.NotAccepted>().Which.Reason.Should().Be("a WebP image: Immich does not accept .webp (per Immich v2.7.5's media types)");
        immich.Uploads.Should().BeEmpty();
    }

    [Fact]
    public async Task A_refusal_by_the_server_itself_is_unreadable_and_quotes_the_server()
    {
        await using var immich = await ImmichEmulator.StartAsync("2.7.5", Ct);
        await using var service = GivenService(immich);
        await service.Faces.CheckAsync(GivenImage(), Ct); // reads the list, which still has .jpg
        immich.MediaTypes = immich.MediaTypes with { Image = [.. immich.MediaTypes.Image.Where(extension => extension != ".jpg")] };

        var result = await service.Faces.CheckAsync(GivenFile("late.jpg", TestImages.Jpeg(Interlocked.Increment(ref _seed))), Ct);

        result.Should().BeOfType<FaceCheck.Unreadable>().Which.Reason.Should().Be("Immich refused the upload: Unsupported file type late.jpg");
    }

    [Fact]
    public async Task The_media_types_are_read_again_whenever_the_version_is()
    {
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);
        await using var service = GivenService(immich);
        await service.Faces.CheckAsync(GivenImage(), Ct);
        immich.Fail("POST /api/assets", times: 1, status: 503);
        var failed = () => service.Faces.CheckAsync(GivenImage(), Ct);
        await failed.Should().ThrowAsync<FaceServiceUnavailableException>();

        await service.Faces.CheckAsync(GivenImage(), Ct);

        immich.CountRequests("GET", "/api/server/version").Should().Be(2);
        immich.CountRequests("GET", "/api/server/media-types").Should().Be(2);
    }

    [Fact]
    public async Task Callers_at_start_share_one_read_of_the_version_and_one_log_line()
    {
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);
        immich.Delay("GET /api/server/version", TimeSpan.FromMilliseconds(300), times: 1); // both callers arrive while it is read
        await using var service = GivenService(immich);
        var upload = (UploadFaceService)service.Faces;

        await Task.WhenAll(upload.GetServerVersionAsync(Ct), service.Faces.CheckAsync(GivenImage(), Ct), upload.GetMediaTypesAsync(Ct));

        immich.CountRequests("GET", "/api/server/version").Should().Be(1);
        immich.CountRequests("GET", "/api/server/media-types").Should().Be(1);
        service.Logs.GetSnapshot().Count(log => log.Id.Id == 3000).Should().Be(1, "the start-up report and the first files asked at once");
    }

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task Without_keep_assets_a_created_asset_is_deleted_but_a_duplicate_one_is_kept(string version)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Eve"));
        var alreadyInImmich = GivenImage();
        await using (var user = GivenService(immich))
        {
            await user.Faces.CheckAsync(alreadyInImmich, Ct); // the user's own upload (KeepAssets on)
        }

        var existingId = immich.Assets.Single().Id;
        await using var service = GivenService(immich, options => options.KeepAssets = false);

        var duplicate = (FaceCheck.Analyzed)await service.Faces.CheckAsync(GivenFile("copy.jpg", await File.ReadAllBytesAsync(alreadyInImmich.FilePath, Ct)), Ct);
        var created = (FaceCheck.Analyzed)await service.Faces.CheckAsync(GivenImage(), Ct);

        duplicate.AssetId.Should().Be(existingId);
        duplicate.Faces.Single().Person.Should().Be("Eve");
        created.Faces.Single().Person.Should().Be("Eve");
        immich.DeletedAssetIds.Should().Equal(created.AssetId);
        immich.Assets.Single(asset => asset.Id == created.AssetId).IsPurged.Should().BeTrue("force: true purges instead of trashing");
        immich.Assets.Single(asset => asset.Id == existingId).IsTrashed.Should().BeFalse();
    }

    [Fact]
    public async Task An_asset_created_by_a_failed_attempt_is_still_deleted_when_the_retry_sees_a_duplicate()
    {
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);
        immich.Fail("GET /api/faces", times: 2);
        await using var service = GivenService(immich, options => options.KeepAssets = false);
        var image = GivenImage();
        await FluentActions.Awaiting(() => service.Faces.CheckAsync(image, Ct)).Should().ThrowAsync<FaceServiceUnavailableException>();

        var retry = (FaceCheck.Analyzed)await service.Faces.CheckAsync(image, Ct);

        immich.Uploads.Select(upload => upload.Status).Should().Equal(201, 200);
        immich.DeletedAssetIds.Should().Equal(retry.AssetId);
    }

    [Fact]
    public async Task A_v2_upload_carries_the_device_fields_the_checksum_and_iso_dates()
    {
        await using var immich = await ImmichEmulator.StartAsync("2.7.5", Ct);
        await using var service = GivenService(immich);
        var image = GivenImage();

        await service.Faces.CheckAsync(image, Ct);

        var upload = immich.Uploads.Single();
        upload.Status.Should().Be(201);
        upload.Fields.Should().Contain("deviceId", "facesorter").And.Contain("deviceAssetId", "facesorter-" + image.Sha256);
        upload.Fields["fileCreatedAt"].Should().EndWith("Z");
        upload.Fields["fileModifiedAt"].Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
#pragma warning disable CA5350 // Immich's checksum algorithm
        upload.ChecksumHeader.Should().Be(Convert.ToHexStringLower(SHA1.HashData(await File.ReadAllBytesAsync(image.FilePath, Ct))));
#pragma warning restore CA5350
        upload.FileName.Should().Be(Path.GetFileName(image.FilePath));
        upload.FileLength.Should().Be(image.Length);
    }

    [Fact]
    public async Task A_v3_upload_has_no_duration_and_is_accepted()
    {
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);
        await using var service = GivenService(immich);

        await service.Faces.CheckAsync(GivenImage(), Ct);

        var upload = immich.Uploads.Single();
        upload.Status.Should().Be(201);
        upload.Fields.Should().NotContainKey("duration");
        upload.Fields.Should().ContainKeys("fileCreatedAt", "fileModifiedAt", "filename");
    }

    [Fact]
    public async Task A_download_without_an_image_extension_is_uploaded_under_a_name_immich_takes()
    {
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);
        await using var service = GivenService(immich);

        await service.Faces.CheckAsync(GivenFile("photo.jpg_large", TestImages.Jpeg(Interlocked.Increment(ref _seed))), Ct);

        immich.Uploads.Single().Fields["filename"].Should().Be("photo.jpg");
        immich.Uploads.Single().FileName.Should().Be("photo.jpg");
    }

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task Without_an_admin_key_faces_are_read_once_they_stop_changing_and_that_is_logged_once(string version)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        immich.IsAdmin = false;
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Finn"));
        immich.SetProcessing(ImmichEmulator.AnyContent, new EmulatedProcessing(1, 2));
        await using var service = GivenService(immich);

        var first = (FaceCheck.Analyzed)await service.Faces.CheckAsync(GivenImage(), Ct);
        var second = (FaceCheck.Analyzed)await service.Faces.CheckAsync(GivenImage(), Ct);

        first.Faces.Single().Person.Should().Be("Finn");
        second.Faces.Single().Person.Should().Be("Finn");
        first.Note.Should().Contain("not readable");
        service.Logs.GetSnapshot().Count(log => log.Id.Id == 3004).Should().Be(1);
    }

    [Fact]
    public async Task With_one_request_at_a_time_the_next_file_is_uploaded_only_once_the_last_ones_faces_are_read()
    {
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Alice"));
        immich.SetProcessing(ImmichEmulator.AnyContent, new EmulatedProcessing(DetectAfterFaceReads: 1, NameAfterFaceReads: 3));
        await using var service = GivenService(immich, options => options.MaxConcurrentRequests = 1);
        var images = new[] { GivenImage(), GivenImage(), GivenImage() };

        var results = await Task.WhenAll(images.Select(image => service.Faces.CheckAsync(image, Ct)));

        results.Should().AllSatisfy(result => result.Should().BeOfType<FaceCheck.Analyzed>().Which.Faces.Single().Person.Should().Be("Alice"));
        var steps = new List<string>();
        foreach (var request in immich.Requests)
        {
            var step = (request.Method, request.Path) switch
            {
                ("POST", "/api/assets") => "upload",
                ("GET", "/api/faces") => "faces of " + request.Query,
                _ => null,
            };
            if (step is not null && (steps.Count == 0 || steps[^1] != step))
            {
                steps.Add(step);
            }
        }

        steps.Should().HaveCount(6, "each upload is followed by the reads of its own faces only: {0}", string.Join(", ", steps));
        steps.Where((_, index) => index % 2 == 0).Should().AllBe("upload");
        steps.Where((_, index) => index % 2 == 1).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task A_face_with_a_person_is_final_even_while_Immich_is_busy_with_other_work()
    {
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);
        immich.QueuesAlwaysBusy = true;
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Gus"));
        await using var service = GivenService(immich, options => options.FaceWaitTimeout = TimeSpan.FromSeconds(30));

        var result = (FaceCheck.Analyzed)await service.Faces.CheckAsync(GivenImage(), Ct);

        result.Faces.Single().Person.Should().Be("Gus");
        result.Note.Should().BeNull();
        immich.Assets.Single().FaceReads.Should().Be(1, "a face that has its person will not change");
    }

    [Fact]
    public async Task A_face_named_while_the_queues_were_read_is_not_decided_on_the_faces_read_beside_them()
    {
        // The faces and the queues are read at once. Here the face read is answered first, with the face
        // still unassigned, and recognition finishes before the slow queue read answers "idle": that idle
        // vouches only for a face read after it.
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);
        immich.SetProcessing(ImmichEmulator.AnyContent, new EmulatedProcessing(DetectAfterFaceReads: 0, NameAfterFaceReads: 1));
        immich.QueueReadDelay = TimeSpan.FromMilliseconds(300);
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Gus"));
        await using var service = GivenService(immich);

        var result = (FaceCheck.Analyzed)await service.Faces.CheckAsync(GivenImage(), Ct);

        result.Faces.Single().Person.Should().Be("Gus");
        immich.Assets.Single().FaceReads.Should().Be(2, "one read beside the queues, one after them");
    }

    [Fact]
    public async Task No_face_while_the_face_jobs_are_still_running_at_the_timeout_is_not_an_answer()
    {
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);
        immich.QueuesAlwaysBusy = true;
        await using var service = GivenService(immich, options => options.FaceWaitTimeout = TimeSpan.FromSeconds(30));

        var act = () => service.Faces.CheckAsync(GivenImage(), Ct);

        (await act.Should().ThrowAsync<FaceServiceUnavailableException>()).Which.Message.Should().Contain("not finished").And.Contain("faceDetection");
        service.Logs.GetSnapshot().Should().Contain(log => log.Id.Id == 3006 && log.Level == LogLevel.Warning);
    }

    [Theory]
    [InlineData("2.7.5", "faceDetection")]
    [InlineData("2.7.5", "facialRecognition")]
    [InlineData("2.7.5", "thumbnailGeneration")]
    [InlineData("3.1.0", "faceDetection")]
    [InlineData("3.1.0", "facialRecognition")]
    [InlineData("2.3.1", "faceDetection")]
    public async Task A_paused_queue_is_not_idle_and_the_answer_waits_until_it_is_resumed(string version, string queue)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Hana"));
        immich.PauseQueue(queue);
        await using var service = GivenService(immich);
        var image = GivenImage();

        var act = () => service.Faces.CheckAsync(image, Ct);

        (await act.Should().ThrowAsync<FaceServiceUnavailableException>()).Which.Message.Should().Contain(queue).And.Contain("paused");
        immich.ResumeQueue(queue);
        var result = (FaceCheck.Analyzed)await service.Faces.CheckAsync(image, Ct);
        result.Faces.Single().Person.Should().Be("Hana");
        immich.Assets.Should().ContainSingle("the retry finds the asset of the first upload");
    }

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task Without_an_admin_key_a_face_detected_late_is_waited_for(string version)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        immich.IsAdmin = false;
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Ivy"));
        immich.SetProcessing(ImmichEmulator.AnyContent, new EmulatedProcessing(DetectAfterFaceReads: 5, NameAfterFaceReads: 7));
        await using var service = GivenService(immich);

        var result = (FaceCheck.Analyzed)await service.Faces.CheckAsync(GivenImage(), Ct);

        result.Faces.Single().Person.Should().Be("Ivy", "four unchanged empty reads are not proof of no face");
    }

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task Without_an_admin_key_no_face_or_an_unassigned_face_is_decided_only_at_the_timeout(string version)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        immich.IsAdmin = false;
        var noFace = GivenImage();
        var unassigned = GivenImage();
        immich.SetFaces(unassigned.Sha256, EmulatedFace.WithoutPerson());
        var clock = new AcceleratedClock(ClockSpeed);
        await using var service = GivenService(immich, options => options.FaceWaitTimeout = TimeSpan.FromSeconds(20), clock);

        foreach (var image in new[] { noFace, unassigned })
        {
            var started = clock.GetTimestamp();
            var result = (FaceCheck.Analyzed)await service.Faces.CheckAsync(image, Ct);

            result.Faces.Should().NotContain(face => face.Person != null);
            result.Note.Should().Contain("FaceWaitTimeout");
            clock.GetElapsedTime(started).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(20));
        }
    }

    [Theory]
    [InlineData("2.7.5")]
    [InlineData("3.1.0")]
    public async Task A_face_of_a_hidden_person_is_no_named_person(string version)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Jack"));
        immich.HidePerson("Jack");
        await using var service = GivenService(immich);

        var result = (FaceCheck.Analyzed)await service.Faces.CheckAsync(GivenImage(), Ct);

        result.Faces.Single().Person.Should().BeNull("only named, visible people count, in both modes");
        result.Faces.Single().PersonId.Should().NotBeNull("Immich did assign it");
    }

    [Theory]
    [InlineData("1.132.3", false)]
    [InlineData("2.3.1", false)]
    [InlineData("2.7.5", true)]
    [InlineData("3.1.0", true)]
    public async Task The_queues_are_read_from_queues_from_v2_4_and_from_jobs_before(string version, bool queuesEndpoint)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        await using var service = GivenService(immich);

        await service.Faces.CheckAsync(GivenImage(), Ct);

        (immich.CountRequests("GET", "/api/queues") > 0).Should().Be(queuesEndpoint);
        (immich.CountRequests("GET", "/api/jobs") > 0).Should().Be(!queuesEndpoint);
    }

    [Fact]
    public async Task An_immich_older_than_v1_106_is_refused_with_the_version_it_found()
    {
        await using var immich = await ImmichEmulator.StartAsync("1.105.1", Ct);
        await using var service = GivenService(immich);

        var act = () => service.Faces.CheckAsync(GivenImage(), Ct);

        (await act.Should().ThrowAsync<FaceServiceUnavailableException>()).Which.Message.Should().Contain("v1.105.1").And.Contain("v1.106.0");
        immich.Uploads.Should().BeEmpty();
    }

    [Fact]
    public async Task Version_and_user_are_read_for_doctor()
    {
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);
        immich.IsAdmin = false;
        await using var service = GivenService(immich);
        var client = service.Provider.GetRequiredService<ImmichServerClient>();

        (await client.PingAsync(Ct)).Should().BeTrue();
        (await client.GetVersionAsync(Ct)).Should().Be(new ImmichServerVersion(3, 1, 0));
        (await client.GetMyUserAsync(Ct)).IsAdmin.Should().BeFalse();
    }

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    private FaceCheckRequest GivenImage() => GivenFile($"img{_seed + 1}.jpg", TestImages.Jpeg(Interlocked.Increment(ref _seed)));

    private FaceCheckRequest GivenFile(string name, byte[] content)
    {
        var path = _folder.Combine(name);
        File.WriteAllBytes(path, content);
        return new FaceCheckRequest(path, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length);
    }

    private static ServiceUnderTest GivenService(ImmichEmulator immich, Action<ImmichOptions>? configure = null, TimeProvider? clock = null)
    {
        var options = new ImmichOptions { Url = immich.Url, ApiKey = immich.ApiKey, RequestTimeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        services.AddSingleton(clock ?? new AcceleratedClock(ClockSpeed));
        services.AddImmichUpload();
        return new ServiceUnderTest(services.BuildServiceProvider(validateScopes: true));
    }

    private sealed class ServiceUnderTest(ServiceProvider provider) : IAsyncDisposable
    {
        public ServiceProvider Provider { get; } = provider;

        public IFaceService Faces { get; } = provider.GetRequiredService<IFaceService>();

        public FakeLogCollector Logs { get; } = provider.GetFakeLogCollector();

        public ValueTask DisposeAsync() => Provider.DisposeAsync();
    }
}
