using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>The emulator's routes: the shapes of docs/immich-facts.md and of Immich's OpenAPI spec, per version.</summary>
public sealed partial class ImmichEmulator
{
    private static readonly string[] QueueNamesV2 =
    [
        "thumbnailGeneration", "metadataExtraction", "videoConversion", "faceDetection", "facialRecognition", "smartSearch",
        "duplicateDetection", "backgroundTask", "storageTemplateMigration", "migration", "search", "sidecar", "library",
        "notifications", "backupDatabase", "ocr", "workflow", "editor",
    ];

    private static readonly string[] QueueNamesV3 = [.. QueueNamesV2, "integrityCheck"];

    private void MapApi(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var recorded = new RecordedRequest(
                request.Method,
                request.Path.Value ?? "",
                request.QueryString.Value ?? "",
                request.Headers.ToDictionary(header => header.Key.ToLowerInvariant(), header => header.Value.ToString(), StringComparer.Ordinal));
            lock (_lock)
            {
                _requests.Add(recorded);
            }

            try
            {
                await HandleAsync(context, next);
            }
            finally
            {
                recorded.Status = context.Response.StatusCode;
            }
        });

        app.MapGet("/api/server/ping", context => WriteJsonAsync(context, 200, new JsonObject { ["res"] = "pong" }));
        app.MapGet("/api/server/version", context => WriteJsonAsync(context, 200, VersionJson()));
        app.MapGet("/api/server/media-types", context => WriteJsonAsync(context, 200, MediaTypesJson()));
        app.MapGet("/api/users/me", context => WriteJsonAsync(context, 200, MeJson()));
        app.MapGet("/api/api-keys/me", context => WriteJsonAsync(context, 200, ApiKeyJson()));
        app.MapPost("/api/assets", UploadAsync);
        app.MapDelete("/api/assets", DeleteAsync);
        app.MapGet("/api/assets/{id}", context => AssetAsync(context, (string)context.Request.RouteValues["id"]!));
        app.MapGet("/api/faces", FacesAsync);
        app.MapPut("/api/faces/{personId}", context => ReassignFaceAsync(context, (string)context.Request.RouteValues["personId"]!));
        app.MapPost("/api/assets/bulk-upload-check", BulkUploadCheckAsync);
        app.MapGet("/api/people", PeopleAsync);
        app.MapPost("/api/people", CreatePersonAsync);
        app.MapPut("/api/people/{id}", context => UpdatePersonAsync(context, (string)context.Request.RouteValues["id"]!));
        app.MapPost("/api/people/{id}/merge", context => MergePeopleAsync(context, (string)context.Request.RouteValues["id"]!));
        app.MapGet("/api/jobs", context => QueuesAsync(context, JobsJson));
        if (Major > 2 || (Major == 2 && Minor >= 4))
        {
            app.MapGet("/api/queues", context => QueuesAsync(context, QueuesJson));
        }
    }

    private async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? "";
        if (ProxyBodyLimit is { } limit && context.Request.ContentLength > limit)
        {
            // What nginx in front of Immich answers past client_max_body_size (Immich itself sets no limit).
            context.Response.StatusCode = 413;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", context.RequestAborted);
            return;
        }

        if (TakeFault(context.Request.Method, path) is { } fault)
        {
            if (fault.Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(fault.Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return; // the client gave up
                }
            }

            if (fault.Garbage)
            {
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync("<html><body>502 Bad Gateway</body></html>", context.RequestAborted);
                return;
            }

            if (fault.Status is { } status)
            {
                await WriteErrorAsync(context, status, status >= 500 ? "Internal server error" : StatusText(status));
                return;
            }
        }

        var anonymous = path.StartsWith("/api/server/", StringComparison.Ordinal);
        if (!anonymous && !string.Equals(context.Request.Headers["x-api-key"].ToString(), ApiKey, StringComparison.Ordinal))
        {
            await WriteErrorAsync(context, 401, "Invalid API key");
            return;
        }

        await next(context);
    }

    private JsonObject VersionJson()
    {
        var version = new JsonObject { ["major"] = Major, ["minor"] = Minor, ["patch"] = Patch };
        if (IsV3)
        {
            version["prerelease"] = null;
        }

        return version;
    }

    private JsonObject MediaTypesJson() => new()
    {
        ["image"] = new JsonArray([.. MediaTypes.Image.Select(extension => (JsonNode)extension)]),
        ["video"] = new JsonArray([.. MediaTypes.Video.Select(extension => (JsonNode)extension)]),
        ["sidecar"] = new JsonArray([.. MediaTypes.Sidecar.Select(extension => (JsonNode)extension)]),
    };

    /// <summary>The key's own record (the official CLI asks it on <c>login</c>).</summary>
    private JsonObject ApiKeyJson() => new()
    {
        ["id"] = ApiKeyId,
        ["name"] = "Emulated key",
        ["createdAt"] = "2026-01-01T00:00:00.000Z",
        ["updatedAt"] = "2026-01-01T00:00:00.000Z",
        ["permissions"] = new JsonArray("all"),
    };

    private JsonObject MeJson() => new()
    {
        ["id"] = UserId,
        ["email"] = "admin@example.com",
        ["name"] = "Emulated User",
        ["isAdmin"] = IsAdmin,
        ["avatarColor"] = "primary",
        ["profileImagePath"] = "",
        ["profileChangedAt"] = "2026-01-01T00:00:00.000Z",
        ["createdAt"] = "2026-01-01T00:00:00.000Z",
        ["updatedAt"] = "2026-01-01T00:00:00.000Z",
        ["deletedAt"] = null,
        ["oauthId"] = "",
        ["quotaSizeInBytes"] = null,
        ["quotaUsageInBytes"] = 0,
        ["shouldChangePassword"] = false,
        ["status"] = "active",
        ["storageLabel"] = "admin",
        ["license"] = null,
    };

    private async Task UploadAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            await WriteValidationErrorAsync(context, [("assetData", "Multipart form data is required")]);
            return;
        }

        if (UploadBytesPerSecond is { } rate)
        {
            context.Request.Body = await ReadSlowlyAsync(context.Request.Body, rate, context.RequestAborted);
        }

        if (await StrictMultipart.MalformedPartAsync(context.Request, context.RequestAborted) is { } malformed)
        {
            await WriteErrorAsync(context, 400, malformed);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var file = form.Files.GetFile("assetData");
        var checksumHeader = context.Request.Headers["x-immich-checksum"].FirstOrDefault();
        var upload = new RecordedUpload(
            form.ToDictionary(field => field.Key, field => field.Value.ToString(), StringComparer.Ordinal),
            file?.FileName,
            checksumHeader,
            file?.Length ?? 0);
        lock (_lock)
        {
            _uploads.Add(upload);
        }

        try
        {
            await UploadAsync(context, form, file);
        }
        finally
        {
            upload.Status = context.Response.StatusCode;
        }
    }

    /// <summary>The whole body, read <paramref name="bytesPerSecond"/> a second in tenths of a second.</summary>
    private static async Task<MemoryStream> ReadSlowlyAsync(Stream body, int bytesPerSecond, CancellationToken cancellationToken)
    {
        var buffered = new MemoryStream();
        var chunk = new byte[Math.Max(1, bytesPerSecond / 10)];
        int read;
        while ((read = await body.ReadAtLeastAsync(chunk, chunk.Length, throwOnEndOfStream: false, cancellationToken)) > 0)
        {
            await buffered.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        buffered.Position = 0;
        return buffered;
    }

    private async Task UploadAsync(HttpContext context, IFormCollection form, IFormFile? file)
    {
        // Immich's canUploadFile runs as multer reads the file part, before the form is validated,
        // and goes by the part's file name alone (docs/media-types.md): a non-image named .jpg is taken.
        if (file is not null && !MediaTypes.AcceptsAsset(file.FileName))
        {
            await WriteErrorAsync(context, 400, $"Unsupported file type {file.FileName}");
            return;
        }

        var problems = new List<(string Field, string Message)>();
        if (file is null)
        {
            problems.Add(("assetData", "assetData is required"));
        }

        foreach (var field in (string[])["fileCreatedAt", "fileModifiedAt"])
        {
            if (!IsDateTime(form[field].ToString()))
            {
                problems.Add((field, IsV3 ? "Invalid ISO datetime" : $"{field} must be a Date instance"));
            }
        }

        if (!IsV3)
        {
            // v2's AssetMediaCreateDto: @IsNotEmpty() @IsString() on both (docs/immich-facts.md, "Upload").
            foreach (var field in (string[])["deviceAssetId", "deviceId"])
            {
                if (string.IsNullOrEmpty(form[field].ToString()))
                {
                    problems.Add((field, $"{field} should not be empty"));
                    problems.Add((field, $"{field} must be a string"));
                }
            }
        }
        else if (form.ContainsKey("duration") && !long.TryParse(form["duration"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            problems.Add(("duration", "Invalid input: expected int, received string"));
        }

        if (problems.Count > 0)
        {
            await WriteValidationErrorAsync(context, problems);
            return;
        }

        byte[] bytes;
        await using (var stream = file!.OpenReadStream())
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, context.RequestAborted);
            bytes = buffer.ToArray();
        }

        var fileName = form.TryGetValue("filename", out var given) && given.ToString().Length > 0 ? given.ToString() : file.FileName;

        // Immich's duplicate check is per owner on the SHA-1 (header or computed); a purged asset no longer counts.
#pragma warning disable CA5350 // Immich's own checksum algorithm
        var checksum = Convert.ToBase64String(SHA1.HashData(bytes));
#pragma warning restore CA5350
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        bool failing;
        lock (_lock)
        {
            failing = _failingContent.Contains(sha256);
        }

        if (failing)
        {
            await WriteErrorAsync(context, 500, "Internal server error");
            return;
        }

        EmulatedAsset asset;
        var duplicate = false;
        lock (_lock)
        {
            var existing = LiveAssetWithChecksum(checksum);
            if (existing is not null)
            {
                asset = existing;
                duplicate = true;
            }
            else
            {
                var faces = _faces.GetValueOrDefault(sha256) ?? _faces.GetValueOrDefault(AnyContent) ?? [];
                asset = new EmulatedAsset
                {
                    Id = Guid.NewGuid().ToString(),
                    Sha256 = sha256,
                    Checksum = checksum,
                    OriginalFileName = fileName,
                    FileCreatedAt = form["fileCreatedAt"].ToString(),
                    FileModifiedAt = form["fileModifiedAt"].ToString(),
                    DeviceAssetId = IsV3 ? null : form["deviceAssetId"].ToString(),
                    DeviceId = IsV3 ? null : form["deviceId"].ToString(),
                    Faces = [.. faces.Select(face => (face.FaceId ?? Guid.NewGuid().ToString(), face))],
                    Processing = WaitingForPausedQueues(_processing.GetValueOrDefault(sha256) ?? _processing.GetValueOrDefault(AnyContent) ?? EmulatedProcessing.Instant),
                };
                _assets[asset.Id] = asset;
                _assetsByChecksum[checksum] = asset;
                _inProgress.Add(asset);
            }
        }

        await WriteJsonAsync(context, duplicate ? 200 : 201, new JsonObject { ["id"] = asset.Id, ["status"] = duplicate ? "duplicate" : "created" });
    }

    private async Task DeleteAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var ids = body?["ids"]?.AsArray().Select(id => id!.GetValue<string>()).ToList() ?? [];
        var force = body?["force"]?.GetValue<bool>() ?? false;
        lock (_lock)
        {
            if (ids.Count == 0 || ids.Any(id => !_assets.TryGetValue(id, out var asset) || asset.IsPurged))
            {
                ids.Clear();
            }
            else
            {
                foreach (var id in ids)
                {
                    _assets[id].IsTrashed = true;
                    _assets[id].IsPurged = force;
                    _deletedIds.Add(id);
                }
            }
        }

        if (ids.Count == 0)
        {
            await WriteErrorAsync(context, 400, "Not found or no asset.delete access");
            return;
        }

        context.Response.StatusCode = 204;
    }

    private async Task FacesAsync(HttpContext context)
    {
        var id = context.Request.Query["id"].ToString();
        JsonArray? faces = null;
        lock (_lock)
        {
            if (_assets.TryGetValue(id, out var asset) && !asset.IsPurged)
            {
                faces = new JsonArray([.. CurrentFaces(asset).Select(face => FaceJson(face.FaceId, face.Face, withPerson: true))]);
                if (PausedQueueOf(asset) is null)
                {
                    asset.FaceReads++;
                }
            }
        }

        if (faces is null)
        {
            await WriteErrorAsync(context, 400, Guid.TryParse(id, out _) ? "Not found or no asset.read access" : "id must be a UUID");
            return;
        }

        await WriteJsonAsync(context, 200, faces);
    }

    private async Task AssetAsync(HttpContext context, string id)
    {
        JsonObject? json = null;
        lock (_lock)
        {
            if (_assets.TryGetValue(id, out var asset) && !asset.IsPurged)
            {
                json = AssetJson(asset);
            }
        }

        if (json is null)
        {
            await WriteErrorAsync(context, 400, "Not found or no asset.read access");
            return;
        }

        await WriteJsonAsync(context, 200, json);
    }

    /// <summary>docs/immich-facts.md, "Faces" and "Versions": v2 carries <c>people[].faces</c> and <c>unassignedFaces</c>; v3 plain people and neither.</summary>
    private JsonObject AssetJson(EmulatedAsset asset)
    {
        var faces = CurrentFaces(asset).ToList();
        var people = new JsonArray();
        foreach (var group in faces.Where(face => face.Face.PersonName is not null).GroupBy(face => face.Face.PersonName!))
        {
            var person = PersonJson(group.Key);
            if (!IsV3)
            {
                person["faces"] = new JsonArray([.. group.Select(face => FaceJson(face.FaceId, face.Face, withPerson: false))]);
            }

            people.Add(person);
        }

        var json = new JsonObject
        {
            ["id"] = asset.Id,
            ["ownerId"] = UserId,
            ["type"] = "IMAGE",
            ["originalFileName"] = asset.OriginalFileName,
            ["originalPath"] = $"/data/upload/{UserId}/{asset.Id}{Path.GetExtension(asset.OriginalFileName)}",
            ["originalMimeType"] = "image/jpeg",
            ["checksum"] = asset.Checksum,
            ["fileCreatedAt"] = asset.FileCreatedAt,
            ["fileModifiedAt"] = asset.FileModifiedAt,
            ["localDateTime"] = asset.FileCreatedAt,
            ["createdAt"] = asset.FileCreatedAt,
            ["updatedAt"] = asset.FileModifiedAt,
            ["isFavorite"] = false,
            ["isArchived"] = false,
            ["isTrashed"] = asset.IsTrashed,
            ["isOffline"] = false,
            ["isEdited"] = false,
            ["hasMetadata"] = true,
            ["visibility"] = "timeline",
            ["thumbhash"] = null,
            ["width"] = EmulatedFace.ImageWidth,
            ["height"] = EmulatedFace.ImageHeight,
            ["duration"] = IsV3 ? null : "0:00:00.00000",
            ["libraryId"] = null,
            ["duplicateId"] = null,
            ["resized"] = true,
            ["people"] = people,
        };
        if (!IsV3)
        {
            json["deviceAssetId"] = asset.DeviceAssetId;
            json["deviceId"] = asset.DeviceId;
            json["unassignedFaces"] = new JsonArray([.. faces.Where(face => face.Face.PersonName is null).Select(face => FaceJson(face.FaceId, face.Face, withPerson: false))]);
        }

        return json;
    }

    /// <summary>The faces as the jobs have got so far: none, then detected without a person, then as scripted.</summary>
    private static IEnumerable<(string FaceId, EmulatedFace Face)> CurrentFaces(EmulatedAsset asset) =>
        asset.Stage switch
        {
            0 => [],
            1 => asset.Faces.Select(face => (face.FaceId, face.Face with { PersonName = null })),
            _ => asset.Faces,
        };

    private JsonObject FaceJson(string faceId, EmulatedFace face, bool withPerson)
    {
        var json = new JsonObject
        {
            ["id"] = faceId,
            ["imageWidth"] = EmulatedFace.ImageWidth,
            ["imageHeight"] = EmulatedFace.ImageHeight,
            ["boundingBoxX1"] = face.X1,
            ["boundingBoxX2"] = face.X2,
            ["boundingBoxY1"] = face.Y1,
            ["boundingBoxY2"] = face.Y2,
            ["sourceType"] = "machine-learning",
        };
        if (withPerson)
        {
            json["person"] = face.PersonName switch
            {
                null => null,
                "" => ClusterJson(face.Cluster ?? ""),
                var name => PersonJson(name),
            };
        }

        return json;
    }

    private JsonObject PersonJson(string name) => new()
    {
        ["id"] = PersonIdFor(name),
        ["name"] = name,
        ["birthDate"] = null,
        ["thumbnailPath"] = $"/data/thumbs/{UserId}/{PersonIdFor(name)}.jpeg",
        ["isHidden"] = _hiddenPeople.Contains(name),
        ["isFavorite"] = false,
        ["updatedAt"] = "2026-01-01T00:00:00.000Z",
    };

    /// <summary>The job queues as they are once <see cref="QueueReadDelay"/> has passed: what a read that is slow to answer reports.</summary>
    private async Task QueuesAsync(HttpContext context, Func<JsonNode> answer)
    {
        if (QueueReadDelay > TimeSpan.Zero)
        {
            await Task.Delay(QueueReadDelay, context.RequestAborted);
        }

        await AdminOnlyAsync(context, answer);
    }

    private async Task AdminOnlyAsync(HttpContext context, Func<JsonNode> answer)
    {
        if (!IsAdmin)
        {
            await WriteErrorAsync(context, 403, "Forbidden resource");
            return;
        }

        JsonNode json;
        lock (_lock)
        {
            json = answer();
        }

        await WriteJsonAsync(context, 200, json);
    }

    /// <summary>A new asset's jobs cannot have run past a queue that is paused when it arrives: it waits at that queue.</summary>
    private EmulatedProcessing WaitingForPausedQueues(EmulatedProcessing processing)
    {
        if (_pausedQueues.Overlaps(["metadataExtraction", "thumbnailGeneration", "faceDetection"]))
        {
            return new EmulatedProcessing(Math.Max(processing.DetectAfterFaceReads, 1), Math.Max(processing.NameAfterFaceReads, 2));
        }

        return _pausedQueues.Contains("facialRecognition")
            ? processing with { NameAfterFaceReads = Math.Max(processing.NameAfterFaceReads, processing.DetectAfterFaceReads + 1) }
            : processing;
    }

    /// <summary>The paused queue an asset is stuck before, if any: detection (or its upstream queues) before its faces exist, recognition before they are named.</summary>
    private string? PausedQueueOf(EmulatedAsset asset) => asset.Stage switch
    {
        0 => new[] { "metadataExtraction", "thumbnailGeneration", "faceDetection" }.FirstOrDefault(_pausedQueues.Contains),
        1 => _pausedQueues.Contains("facialRecognition") ? "facialRecognition" : null,
        _ => null,
    };

    /// <summary>Counts per queue from the assets' stages: detection active, then recognition waiting; in a paused queue they are all <c>paused</c>.</summary>
    private Dictionary<string, (int Active, int Waiting, int Paused)> QueueCounts()
    {
        // Only assets whose jobs have not finished are counted: walking every asset on each poll
        // made the emulator, not the daemon, the limit in the throughput benchmark.
        _inProgress.RemoveWhere(asset => asset.IsPurged || asset.Stage == 2);
        var live = _inProgress;
        var detecting = live.Count(asset => asset.Stage == 0);
        var recognizing = live.Count(asset => asset.Stage == 1);
        var counts = new Dictionary<string, (int, int, int)>(StringComparer.Ordinal)
        {
            ["faceDetection"] = (detecting + (QueuesAlwaysBusy ? 1 : 0), 0, 0),
            ["facialRecognition"] = (0, recognizing, 0),
        };
        foreach (var name in _pausedQueues)
        {
            var stuck = live.Count(asset => PausedQueueOf(asset) == name);
            counts[name] = (0, 0, stuck);
        }

        return counts;
    }

    private static JsonObject CountsJson((int Active, int Waiting, int Paused) counts) => new()
    {
        ["active"] = counts.Active,
        ["completed"] = 0,
        ["delayed"] = 0,
        ["failed"] = 0,
        ["paused"] = counts.Paused,
        ["waiting"] = counts.Waiting,
    };

    private JsonNode JobsJson()
    {
        var counts = QueueCounts();
        var json = new JsonObject();
        foreach (var name in IsV3 ? QueueNamesV3 : QueueNamesV2)
        {
            var queue = counts.GetValueOrDefault(name);
            json[name] = new JsonObject
            {
                ["jobCounts"] = CountsJson(queue),
                ["queueStatus"] = new JsonObject { ["isActive"] = queue.Active > 0, ["isPaused"] = _pausedQueues.Contains(name) },
            };
        }

        return json;
    }

    private JsonNode QueuesJson()
    {
        var counts = QueueCounts();
        return new JsonArray([.. (IsV3 ? QueueNamesV3 : QueueNamesV2).Select(name => new JsonObject
        {
            ["name"] = name,
            ["isPaused"] = _pausedQueues.Contains(name),
            ["statistics"] = CountsJson(counts.GetValueOrDefault(name)),
        })]);
    }

    /// <summary>v2 (class-validator): a message array; v3 (Zod): "Validation failed" plus <c>errors</c> (docs/immich-facts.md, "Errors and the base address").</summary>
    private Task WriteValidationErrorAsync(HttpContext context, List<(string Field, string Message)> problems)
    {
        if (!IsV3)
        {
            return WriteErrorAsync(context, 400, new JsonArray([.. problems.Select(problem => (JsonNode)problem.Message)]));
        }

        var errors = new JsonArray([.. problems.Select(problem => new JsonObject
        {
            ["code"] = "invalid_type",
            ["path"] = new JsonArray(problem.Field),
            ["message"] = problem.Message,
        })]);
        return WriteErrorAsync(context, 400, "Validation failed", errors);
    }

    private Task WriteErrorAsync(HttpContext context, int status, JsonNode message, JsonArray? errors = null)
    {
        var correlationId = Guid.NewGuid().ToString("N")[..8];
        JsonObject body;
        if (IsV3)
        {
            context.Response.Headers["X-Correlation-ID"] = correlationId;
            body = new JsonObject { ["statusCode"] = status, ["message"] = message };
            if (errors is not null)
            {
                body["errors"] = errors;
            }
        }
        else
        {
            body = new JsonObject { ["message"] = message, ["error"] = StatusText(status), ["statusCode"] = status, ["correlationId"] = correlationId };
        }

        return WriteJsonAsync(context, status, body);
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonNode json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(json.ToJsonString(), context.RequestAborted);
    }

    /// <summary>v3 wants <c>Z</c> or an offset; v2 takes anything that parses as a date.</summary>
    private bool IsDateTime(string value) =>
        IsV3
            ? (value.EndsWith('Z') || (value.Length > 6 && value[^6] is '+' or '-' && value[^3] == ':'))
              && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            : DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
}
