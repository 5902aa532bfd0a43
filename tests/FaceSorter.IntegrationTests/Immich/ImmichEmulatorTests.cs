using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FaceSorter.Immich;
using FaceSorter.Immich.Api;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Immich;

/// <summary>The emulator keeps to each version's contract (docs/immich-facts.md), so passing against it means something.</summary>
public sealed class ImmichEmulatorTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private readonly HttpClient _http = new();

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task V2_refuses_an_upload_without_device_fields_with_a_message_array()
    {
        await using var immich = await ImmichEmulator.StartAsync("2.7.5", Ct);

        using var response = await UploadAsync(immich, device: false, duration: null);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        body["message"]!.AsArray().Select(item => item!.GetValue<string>()).Should().Contain("deviceAssetId should not be empty");
        body["error"]!.GetValue<string>().Should().Be("Bad Request");
    }

    [Fact]
    public async Task V3_accepts_an_upload_without_device_fields_but_refuses_a_string_duration()
    {
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);

        using (var accepted = await UploadAsync(immich, device: false, duration: null))
        {
            accepted.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        using var refused = await UploadAsync(immich, device: true, duration: "0:00:10.000000", seed: 2);
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        refused.Headers.Contains("X-Correlation-ID").Should().BeTrue();
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync(Ct))!;
        body["statusCode"]!.GetValue<int>().Should().Be(400);
        body["message"]!.GetValue<string>().Should().Be("Validation failed");
        body["errors"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task The_same_content_twice_is_a_duplicate_of_the_first_asset()
    {
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);

        using var first = await UploadAsync(immich, device: true, duration: null);
        using var second = await UploadAsync(immich, device: true, duration: null);

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        var firstBody = JsonNode.Parse(await first.Content.ReadAsStringAsync(Ct))!;
        var secondBody = JsonNode.Parse(await second.Content.ReadAsStringAsync(Ct))!;
        secondBody["id"]!.GetValue<string>().Should().Be(firstBody["id"]!.GetValue<string>());
        secondBody["status"]!.GetValue<string>().Should().Be("duplicate");
    }

    [Theory]
    [InlineData("2.7.5", true)]
    [InlineData("3.1.0", false)]
    public async Task Only_v2_puts_faces_on_the_asset(string version, bool facesOnAsset)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);
        immich.SetFaces(ImmichEmulator.AnyContent, EmulatedFace.Named("Alice"), EmulatedFace.WithoutPerson());
        using var upload = await UploadAsync(immich, device: true, duration: null);
        var id = JsonNode.Parse(await upload.Content.ReadAsStringAsync(Ct))!["id"]!.GetValue<string>();

        var asset = JsonNode.Parse(await SendAsync(immich, HttpMethod.Get, $"/api/assets/{id}"))!;

        asset.AsObject().ContainsKey("unassignedFaces").Should().Be(facesOnAsset);
        asset["people"]!.AsArray().Single()!.AsObject().ContainsKey("faces").Should().Be(facesOnAsset);
        asset.AsObject().ContainsKey("deviceAssetId").Should().Be(facesOnAsset);
    }

    [Fact]
    public async Task Jobs_are_for_admins_only()
    {
        await using var immich = await ImmichEmulator.StartAsync("3.1.0", Ct);
        immich.IsAdmin = false;

        using var request = new HttpRequestMessage(HttpMethod.Get, immich.Url + "/api/jobs");
        request.Headers.Add("x-api-key", immich.ApiKey);
        using var response = await _http.SendAsync(request, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("2.7.5", false)]
    [InlineData("3.1.0", true)]
    public async Task Media_types_are_the_lists_a_real_server_answered_without_jfif(string version, bool mpo)
    {
        await using var immich = await ImmichEmulator.StartAsync(version, Ct);

        var answer = JsonNode.Parse(await SendAsync(immich, HttpMethod.Get, "/api/server/media-types"))!;

        var image = answer["image"]!.AsArray().Select(item => item!.GetValue<string>()).ToList();
        image.Should().Contain([".jpg", ".png", ".cr3", ".psd", ".heic", ".jxl", ".svg"]).And.NotContain(".jfif");
        image.Contains(".mpo").Should().Be(mpo);
        image.Except([".mpo"]).Should().Equal(EmulatedMediaTypes.V2_7_5.Image);
        answer["video"]!.AsArray().Select(item => item!.GetValue<string>()).Should().Equal(EmulatedMediaTypes.V2_7_5.Video);
        answer["sidecar"]!.AsArray().Select(item => item!.GetValue<string>()).Should().Equal(".xmp");
    }

    [Fact]
    public async Task The_api_key_tells_its_own_record()
    {
        await using var immich = await ImmichEmulator.StartAsync("2.7.5", Ct);

        var key = JsonNode.Parse(await SendAsync(immich, HttpMethod.Get, "/api/api-keys/me"))!.AsObject();

        key.Select(property => property.Key).Should().BeEquivalentTo("id", "name", "createdAt", "updatedAt", "permissions");
        key["permissions"]!.AsArray().Select(item => item!.GetValue<string>()).Should().Equal("all");
    }

    [Fact]
    public async Task An_upload_whose_name_has_an_unlisted_extension_is_refused_whatever_its_content()
    {
        await using var immich = await ImmichEmulator.StartAsync("2.7.5", Ct);

        using var response = await UploadAsync(immich, device: true, duration: null, fileName: "download.jfif");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
        body["message"]!.GetValue<string>().Should().Be("Unsupported file type download.jfif");
        body["error"]!.GetValue<string>().Should().Be("Bad Request");
        body["statusCode"]!.GetValue<int>().Should().Be(400);
        body["correlationId"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        immich.Assets.Should().BeEmpty();
    }

    [Fact]
    public async Task A_form_whose_part_names_are_not_quoted_is_refused_as_a_strict_parser_would()
    {
        await using var immich = await ImmichEmulator.StartAsync("2.7.5", Ct);

        using var response = await UploadAsync(immich, device: true, duration: null, quoted: false);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).Should().Contain("must be quoted");
        immich.Assets.Should().BeEmpty();
    }

    [Fact]
    public async Task Bulk_upload_check_accepts_new_content_and_rejects_a_duplicate_with_its_asset()
    {
        await using var immich = await ImmichEmulator.StartAsync("2.7.5", Ct);
        using var upload = await UploadAsync(immich, device: true, duration: null);
#pragma warning disable CA5350 // Immich's own checksum algorithm
        var known = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(TestImages.Jpeg(1)));
#pragma warning restore CA5350
        using var request = new HttpRequestMessage(HttpMethod.Post, immich.Url + "/api/assets/bulk-upload-check")
        {
            Content = JsonContent.Create(new { assets = new[] { new { id = "a", checksum = known }, new { id = "b", checksum = new string('0', 40) } } }),
        };
        request.Headers.Add("x-api-key", immich.ApiKey);

        using var response = await _http.SendAsync(request, Ct);

        var results = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["results"]!.AsArray();
        results[0]!["action"]!.GetValue<string>().Should().Be("reject");
        results[0]!["reason"]!.GetValue<string>().Should().Be("duplicate");
        results[0]!["assetId"]!.GetValue<string>().Should().Be(immich.Assets.Single().Id);
        results[0]!["isTrashed"]!.GetValue<bool>().Should().BeFalse();
        results[1]!.ToJsonString().Should().Be("""{"id":"b","action":"accept"}""");
    }

    [Theory]
    [InlineData("""{"message":["Unsupported file type x.txt"],"error":"Bad Request","statusCode":400}""", true)]
    [InlineData("""{"statusCode":400,"message":"Unsupported file type x.txt"}""", true)]
    [InlineData("""{"statusCode":400,"message":"Validation failed","errors":[{"path":["fileCreatedAt"],"message":"Invalid ISO datetime"}]}""", false)]
    [InlineData("<html>Bad Gateway</html>", false)]
    public void Immichs_error_bodies_of_both_versions_are_read(string body, bool unsupported)
    {
        var message = ImmichErrorBody.Describe(body);

        ImmichErrorBody.SaysUnsupportedFile(message).Should().Be(unsupported);
        message.Should().NotBeNullOrWhiteSpace();
    }

    public void Dispose()
    {
        _http.Dispose();
        _timeout.Dispose();
    }

    private async Task<HttpResponseMessage> UploadAsync(ImmichEmulator immich, bool device, string? duration, int seed = 1, string fileName = "a.jpg", bool quoted = true)
    {
        var form = new MultipartFormDataContent();
        void Add(HttpContent content, string name, string? file = null)
        {
            if (quoted)
            {
                form.AddPart(content, name, file);
            }
            else if (file is null)
            {
                form.Add(content, name);
            }
            else
            {
                form.Add(content, name, file);
            }
        }

        Add(new StringContent("2026-01-02T03:04:05.000Z"), "fileCreatedAt");
        Add(new StringContent("2026-01-02T03:04:05.000Z"), "fileModifiedAt");
        if (device)
        {
            Add(new StringContent("test-1"), "deviceAssetId");
            Add(new StringContent("test"), "deviceId");
        }

        if (duration is not null)
        {
            Add(new StringContent(duration), "duration");
        }

        var file = new ByteArrayContent(TestImages.Jpeg(seed));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        Add(file, "assetData", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, immich.Url + "/api/assets") { Content = form };
        request.Headers.Add("x-api-key", immich.ApiKey);
        return await _http.SendAsync(request, Ct);
    }

    private async Task<string> SendAsync(ImmichEmulator immich, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, immich.Url + path);
        request.Headers.Add("x-api-key", immich.ApiKey);
        using var response = await _http.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(Ct);
    }
}
