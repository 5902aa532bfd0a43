using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FaceSorter.Immich.Api;
using FaceSorter.Immich.Upload;
using FaceSorter.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.Immich;

/// <summary>
/// Typed HttpClient over Immich's REST API (docs/immich-facts.md), authenticated with
/// <c>x-api-key</c>. Whatever means "Immich cannot answer now" (refused, timed out, 5xx, 401/403,
/// a body that is not the expected JSON) becomes <see cref="FaceServiceUnavailableException"/> with
/// a message saying what failed; the pipeline keeps the file and retries it. A GET is retried once,
/// quickly, after a refused connection or a 5xx; nothing else is retried here.
/// </summary>
public sealed class ImmichServerClient(HttpClient http, IOptions<ImmichOptions> options, TimeProvider clock, ILogger<ImmichServerClient> logger)
{
    private static readonly JsonSerializerOptions Json = ImmichJson.Default.Options;
    private static readonly TimeSpan GetRetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>The server's address as configured, for messages.</summary>
    public string Url => http.BaseAddress?.ToString().TrimEnd('/') ?? options.Value.Url;

    /// <summary>
    /// The base address for <see cref="HttpClient.BaseAddress"/>: the configured URL with a trailing slash
    /// (so a reverse-proxy sub-path survives) and without a trailing <c>/api</c>, which users copy from
    /// Immich's docs (docs/immich-facts.md, "Errors and the base address") and every request path here
    /// already starts with.
    /// </summary>
    public static Uri BaseAddressFor(string url)
    {
        var trimmed = url.Trim().TrimEnd('/');
        if (trimmed.EndsWith("/api", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed[..^"/api".Length];
        }

        return new Uri(trimmed + "/", UriKind.Absolute);
    }

    /// <summary><c>GET /server/ping</c> (v1.113+; <c>/server-info/ping</c> before).</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        var ping = await GetJsonOrNotFoundAsync<ImmichPingDto>("api/server/ping", cancellationToken)
            ?? await GetJsonAsync<ImmichPingDto>("api/server-info/ping", cancellationToken);
        return string.Equals(ping.Res, "pong", StringComparison.Ordinal);
    }

    /// <summary><c>GET /server/version</c> (v1.113+; <c>/server-info/version</c> before).</summary>
    public async Task<ImmichServerVersion> GetVersionAsync(CancellationToken cancellationToken)
    {
        var version = await GetJsonOrNotFoundAsync<ImmichVersionDto>("api/server/version", cancellationToken)
            ?? await GetJsonAsync<ImmichVersionDto>("api/server-info/version", cancellationToken);
        return new ImmichServerVersion(version.Major, version.Minor, version.Patch, version.Prerelease);
    }

    /// <summary>
    /// <c>GET /server/media-types</c> (v1.113+; <c>/server-info/media-types</c> before): the extensions
    /// the server accepts for upload. Null when the server has neither path.
    /// </summary>
    internal async Task<ServerMediaTypesDto?> GetMediaTypesAsync(CancellationToken cancellationToken) =>
        await GetJsonOrNotFoundAsync<ServerMediaTypesDto>("api/server/media-types", cancellationToken)
            ?? await GetJsonOrNotFoundAsync<ServerMediaTypesDto>("api/server-info/media-types", cancellationToken);

    /// <summary><c>GET /users/me</c>: who the API key belongs to, and whether that user is an admin.</summary>
    public Task<ImmichUser> GetMyUserAsync(CancellationToken cancellationToken) =>
        GetJsonAsync<ImmichUser>("api/users/me", cancellationToken);

    /// <summary><c>GET /faces?id=</c>: the asset's visible faces with the caller's person (all versions, docs/immich-facts.md, "Faces").</summary>
    public Task<List<AssetFaceDto>> GetFacesAsync(string assetId, CancellationToken cancellationToken) =>
        GetJsonAsync<List<AssetFaceDto>>("api/faces?id=" + Uri.EscapeDataString(assetId), cancellationToken);

    /// <summary>
    /// The face-relevant queues: <c>GET /queues</c> on v2.4+ (falling back to <c>/jobs</c> if it is
    /// missing), <c>GET /jobs</c> before. Null when the key may not read them (401/403: not an admin).
    /// </summary>
    public async Task<FaceQueues?> GetFaceQueuesAsync(ImmichServerVersion version, CancellationToken cancellationToken)
    {
        if (version.HasQueuesEndpoint)
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "api/queues"), "GET /api/queues", idempotent: true, cancellationToken);
            if (IsForbidden(response.StatusCode))
            {
                return null;
            }

            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                var queues = await ReadJsonAsync<List<QueueDto>>(response, "GET /api/queues", cancellationToken);
                return new FaceQueues(
                    queues.ToDictionary(queue => queue.Name, queue => queue.Statistics, StringComparer.Ordinal),
                    queues.Where(queue => queue.IsPaused).Select(queue => queue.Name).ToHashSet(StringComparer.Ordinal));
            }

            logger.QueuesEndpointMissing(version.ToString());
        }

        using (var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "api/jobs"), "GET /api/jobs", idempotent: true, cancellationToken))
        {
            if (IsForbidden(response.StatusCode))
            {
                return null;
            }

            var jobs = await ReadJsonAsync<Dictionary<string, LegacyQueueDto>>(response, "GET /api/jobs", cancellationToken);
            return new FaceQueues(
                jobs.ToDictionary(pair => pair.Key, pair => pair.Value.JobCounts, StringComparer.Ordinal),
                jobs.Where(pair => pair.Value.QueueStatus?.IsPaused == true).Select(pair => pair.Key).ToHashSet(StringComparer.Ordinal));
        }
    }

    /// <summary>
    /// <c>POST /assets</c> (docs/immich-facts.md, "Upload"): multipart with the file last, <c>x-immich-checksum</c>,
    /// and <c>deviceAssetId</c>/<c>deviceId</c> for v2 (v3 strips them). Never <c>duration</c>: v3
    /// wants ms and answers a v2-style string with 400; a photo has none. The parts' names are
    /// quoted (<see cref="FormParts"/>); <see cref="AssetUpload.FileName"/> goes in the
    /// <c>filename</c> field as it is and, as ASCII, in the file part's header.
    /// </summary>
    public async Task<AssetUploadResult> UploadAsync(AssetUpload upload, CancellationToken cancellationToken)
    {
        const string what = "POST /api/assets";
        await using var file = new FileStream(upload.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 81920, useAsync: true);
        var length = file.Length; // the request disposes the stream once sent
        using var response = await SendAsync(
            progress =>
            {
                var form = new MultipartFormDataContent();
                form.AddPart(new StringContent(upload.DeviceAssetId), "deviceAssetId");
                form.AddPart(new StringContent(upload.DeviceId), "deviceId");
                form.AddPart(new StringContent(IsoUtc(upload.FileCreatedAtUtc)), "fileCreatedAt");
                form.AddPart(new StringContent(IsoUtc(upload.FileModifiedAtUtc)), "fileModifiedAt");
                form.AddPart(new StringContent(upload.FileName), "filename");
                var content = new StreamContent(new ProgressStream(file, progress));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.AddPart(content, "assetData", UploadFileName.Ascii(upload.FileName));
                var request = new HttpRequestMessage(HttpMethod.Post, "api/assets") { Content = form };
                request.Headers.Add("x-immich-checksum", upload.Sha1Hex);
                return request;
            },
            what,
            idempotent: false,
            cancellationToken);

        if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge)
        {
            // Immich sets no body limit; a proxy in front of it does (nginx: client_max_body_size, 1 MB by default).
            throw new FaceServiceRefusedFileException(
                string.Create(CultureInfo.InvariantCulture, $"Immich at {Url}, or a proxy in front of it, refused its upload of {length} bytes as too large (HTTP 413); raise the proxy's body limit (nginx: client_max_body_size)"));
        }

        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            var message = ImmichErrorBody.Describe(await ReadBodyAsync(response, what, cancellationToken));
            if (ImmichErrorBody.SaysUnsupportedFile(message))
            {
                return new AssetUploadResult(AssetUploadStatus.Unsupported, null, message);
            }

            throw new FaceServiceUnavailableException($"Immich at {Url} refused {what} with HTTP 400: {message}");
        }

        var created = await ReadJsonAsync<AssetMediaResponseDto>(response, what, cancellationToken);
        return created.Status switch
        {
            "created" => new AssetUploadResult(AssetUploadStatus.Created, created.Id),
            "duplicate" => new AssetUploadResult(AssetUploadStatus.Duplicate, created.Id),
            _ => throw new FaceServiceUnavailableException($"Immich at {Url} answered {what} with the unexpected status '{created.Status}'"),
        };
    }

    /// <summary>
    /// <c>POST /assets/bulk-upload-check</c>: the id of the user's live (not trashed) asset with this
    /// SHA-1 (hex), or null when Immich does not have the content.
    /// </summary>
    public async Task<string?> FindAssetAsync(string sha1Hex, CancellationToken cancellationToken)
    {
        const string what = "POST /api/assets/bulk-upload-check";
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, "api/assets/bulk-upload-check")
            {
                Content = JsonContent.Create(new BulkUploadCheckRequest([new BulkUploadCheckItem(sha1Hex, sha1Hex)]), options: Json),
            },
            what,
            idempotent: true,
            cancellationToken);
        var check = await ReadJsonAsync<BulkUploadCheckDto>(response, what, cancellationToken);
        return check.Results.FirstOrDefault() is { Action: "reject", Reason: "duplicate", AssetId: { } assetId, IsTrashed: not true } ? assetId : null;
    }

    /// <summary><c>GET /people</c>, every page, hidden people included.</summary>
    public async Task<List<PersonDto>> GetPeopleAsync(CancellationToken cancellationToken)
    {
        var people = new List<PersonDto>();
        for (var page = 1; ; page++)
        {
            var batch = await GetJsonAsync<PeoplePageDto>(string.Create(CultureInfo.InvariantCulture, $"api/people?page={page}&size=1000&withHidden=true"), cancellationToken);
            people.AddRange(batch.People);
            if (!batch.HasNextPage || batch.People.Count == 0)
            {
                return people;
            }
        }
    }

    /// <summary><c>POST /people</c> <c>{name}</c> → the new person.</summary>
    public async Task<PersonDto> CreatePersonAsync(string name, CancellationToken cancellationToken)
    {
        const string what = "POST /api/people";
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, "api/people") { Content = JsonContent.Create(new PersonNameRequest(name), options: Json) },
            what,
            idempotent: false,
            cancellationToken);
        return await ReadJsonAsync<PersonDto>(response, what, cancellationToken);
    }

    /// <summary>
    /// <c>PUT /people/{id}</c> <c>{name}</c> → the person. Naming an unnamed cluster names every face
    /// in it at once (docs/immich-facts.md, "People"); PUT is deprecated in v3 but still served.
    /// </summary>
    public async Task<PersonDto> NamePersonAsync(string personId, string name, CancellationToken cancellationToken)
    {
        const string what = "PUT /api/people/{id}";
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Put, "api/people/" + Uri.EscapeDataString(personId)) { Content = JsonContent.Create(new PersonNameRequest(name), options: Json) },
            what,
            idempotent: true,
            cancellationToken);
        return await ReadJsonAsync<PersonDto>(response, what, cancellationToken);
    }

    /// <summary>
    /// <c>POST /people/{id}/merge</c> <c>{ids}</c> → <c>[{id, success, error?}]</c>: the listed people's
    /// faces become <paramref name="personId"/>'s (v1.106+; deprecated, not removed, in v3.2.1).
    /// </summary>
    /// <returns>Whether every listed person was merged.</returns>
    public async Task<bool> MergePeopleAsync(string personId, IReadOnlyCollection<string> mergedIds, CancellationToken cancellationToken)
    {
        const string what = "POST /api/people/{id}/merge";
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, "api/people/" + Uri.EscapeDataString(personId) + "/merge") { Content = JsonContent.Create(new MergePeopleRequest(mergedIds), options: Json) },
            what,
            idempotent: true,
            cancellationToken);
        var results = await ReadJsonAsync<List<BulkIdResultDto>>(response, what, cancellationToken);
        return results.Count == mergedIds.Count && results.All(result => result.Success);
    }

    /// <summary><c>PUT /faces/{personId}</c> <c>{id: faceId}</c>: the path names the person (docs/immich-facts.md, "People").</summary>
    public async Task AssignFaceAsync(string personId, string faceId, CancellationToken cancellationToken)
    {
        const string what = "PUT /api/faces/{personId}";
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Put, "api/faces/" + Uri.EscapeDataString(personId)) { Content = JsonContent.Create(new FaceIdRequest(faceId), options: Json) },
            what,
            idempotent: true,
            cancellationToken);
        await EnsureSuccessAsync(response, what, cancellationToken);
    }

    /// <summary><c>DELETE /assets</c> <c>{ids, force}</c> → 204; <c>force: true</c> purges at once instead of trashing.</summary>
    public async Task DeleteAssetsAsync(IReadOnlyCollection<string> assetIds, bool force, CancellationToken cancellationToken)
    {
        const string what = "DELETE /api/assets";
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Delete, "api/assets") { Content = JsonContent.Create(new DeleteAssetsRequest(assetIds, force), options: Json) },
            what,
            idempotent: false,
            cancellationToken);
        await EnsureSuccessAsync(response, what, cancellationToken);
    }

    private static bool IsForbidden(HttpStatusCode status) => status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;

    private static string IsoUtc(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private async Task<T> GetJsonAsync<T>(string path, CancellationToken cancellationToken)
        where T : class
    {
        var what = "GET /" + path;
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), what, idempotent: true, cancellationToken);
        return await ReadJsonAsync<T>(response, what, cancellationToken);
    }

    private async Task<T?> GetJsonOrNotFoundAsync<T>(string path, CancellationToken cancellationToken)
        where T : class
    {
        var what = "GET /" + path;
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), what, idempotent: true, cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadJsonAsync<T>(response, what, cancellationToken);
    }

    private Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, string what, bool idempotent, CancellationToken cancellationToken) =>
        SendAsync(_ => createRequest(), what, idempotent, cancellationToken);

    /// <param name="createRequest">Makes the request; a request body that is sent over time calls the action it is given as it goes, and the timeout then counts from its last call.</param>
    private async Task<HttpResponseMessage> SendAsync(Func<Action, HttpRequestMessage> createRequest, string what, bool idempotent, CancellationToken cancellationToken)
    {
        var timeout = options.Value.RequestTimeout;
        for (var attempt = 1; ; attempt++)
        {
            // RequestTimeout from the start, or for an upload from its last progress: a large file on a slow link
            // took longer than RequestTimeout to send, timed out every time and put Immich "down" (helper-66's trial).
            // On the real clock, as HttpClient's own timeout was: it is the network's time.
            using var deadline = new CancellationTokenSource(timeout);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            using var request = createRequest(() => deadline.CancelAfter(timeout));
            request.Headers.Add("x-api-key", options.Value.ApiKey);
            string retryReason;
            try
            {
                // ResponseContentRead: the body is read within the timeout, so a stalled body is a timeout too.
                var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
                if ((int)response.StatusCode < 500 || !idempotent || attempt > 1)
                {
                    return response;
                }

                retryReason = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}");
                response.Dispose();
            }
            catch (HttpRequestException exception) when (idempotent && attempt == 1)
            {
                retryReason = exception.Message;
            }
            catch (HttpRequestException exception)
            {
                // "Error while copying content to a stream." says nothing; the socket's own error (a reset, a broken pipe) does.
                var cause = exception.GetBaseException() is { } inner && inner != exception && !exception.Message.Contains(inner.Message, StringComparison.Ordinal)
                    ? $"{exception.Message} ({inner.Message})"
                    : exception.Message;
                throw new FaceServiceUnavailableException($"Immich at {Url} is unreachable ({what}): {cause}", exception);
            }
            catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                throw new FaceServiceUnavailableException(
                    string.Create(CultureInfo.InvariantCulture, $"Immich at {Url} did not answer {what} within {timeout.TotalSeconds:0.###} s (FaceSorter:Immich:RequestTimeout; an upload's counted from its last progress)"),
                    exception);
            }

            logger.RetryingGet(what, retryReason);
            await Task.Delay(GetRetryDelay, clock, cancellationToken);
        }
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string what, CancellationToken cancellationToken)
        where T : class
    {
        await EnsureSuccessAsync(response, what, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new JsonException("the body is JSON null");
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            throw new FaceServiceUnavailableException($"Immich at {Url} answered {what} with something that is not the expected JSON: {exception.Message}", exception);
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var message = ImmichErrorBody.Describe(await ReadBodyAsync(response, what, cancellationToken));
        var hint = IsForbidden(response.StatusCode) ? "; check FaceSorter:Immich:ApiKey and the key's permissions" : "";
        throw new FaceServiceUnavailableException(
            string.Create(CultureInfo.InvariantCulture, $"Immich at {Url} answered {what} with HTTP {status} {response.ReasonPhrase}: {message}{hint}"));
    }

    private async Task<string> ReadBodyAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new FaceServiceUnavailableException($"Immich at {Url} broke off its answer to {what}: {exception.Message}", exception);
        }
    }
}
