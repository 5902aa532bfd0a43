using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using FaceSorter.Immich.Api;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Immich;

/// <summary>The emulator keeps to each version's contract (IMMICH.md 2.1-2.4), so passing against it means something.</summary>
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

    private async Task<HttpResponseMessage> UploadAsync(ImmichEmulator immich, bool device, string? duration, int seed = 1)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("2026-01-02T03:04:05.000Z"), "fileCreatedAt" },
            { new StringContent("2026-01-02T03:04:05.000Z"), "fileModifiedAt" },
        };
        if (device)
        {
            form.Add(new StringContent("test-1"), "deviceAssetId");
            form.Add(new StringContent("test"), "deviceId");
        }

        if (duration is not null)
        {
            form.Add(new StringContent(duration), "duration");
        }

        var file = new ByteArrayContent(TestImages.Jpeg(seed));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "assetData", "a.jpg");
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
