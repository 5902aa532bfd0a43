using System.Text.Json.Nodes;
using FaceSorter.Decisions;
using Microsoft.AspNetCore.Http;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// People routes (docs/immich-facts.md, "People", "Listing people"): <c>POST /assets/bulk-upload-check</c>,
/// <c>GET /people</c> (only people with a face on a live asset), <c>POST /people</c> (a new person,
/// invisible in the list until it has a face) and <c>PUT /faces/{personId}</c> <c>{id: faceId}</c> (the
/// path names the person).
/// </summary>
public sealed partial class ImmichEmulator
{
    private readonly List<(string Id, string Name)> _createdPeople = [];

    /// <summary>Every face reassignment, as (face id, person name).</summary>
    public IReadOnlyList<(string FaceId, string Person)> Reassignments
    {
        get
        {
            lock (_lock)
            {
                return [.. _reassignments];
            }
        }
    }

    private readonly List<(string FaceId, string Person)> _reassignments = [];

    // Unnamed clusters by key: their stable person id, and the name they got by a rename or merge ("" until then).
    private readonly Dictionary<string, (string Id, string Name)> _clusters = new(StringComparer.Ordinal);
    private readonly List<(string PersonId, string Name)> _renames = [];
    private readonly List<(string TargetId, string MergedId)> _merges = [];

    /// <summary>Every <c>PUT /people/{id}</c> that named a person, as (person id, new name).</summary>
    public IReadOnlyList<(string PersonId, string Name)> Renames
    {
        get
        {
            lock (_lock)
            {
                return [.. _renames];
            }
        }
    }

    /// <summary>Every cluster merged by <c>POST /people/{id}/merge</c>, as (target person id, merged id).</summary>
    public IReadOnlyList<(string TargetId, string MergedId)> Merges
    {
        get
        {
            lock (_lock)
            {
                return [.. _merges];
            }
        }
    }

    /// <summary>The cluster's person: unnamed with its own id, or whoever it was named or merged into (call under the lock).</summary>
    private JsonObject ClusterJson(string cluster)
    {
        var (id, name) = Cluster(cluster);
        if (name.Length > 0)
        {
            return PersonJson(name);
        }

        var person = PersonJson("");
        person["id"] = id;
        return person;
    }

    private (string Id, string Name) Cluster(string cluster)
    {
        if (!_clusters.TryGetValue(cluster, out var entry))
        {
            entry = (Guid.NewGuid().ToString(), "");
            _clusters[cluster] = entry;
        }

        return entry;
    }

    /// <summary><c>PUT /people/{id}</c> <c>{name}</c>: naming an unnamed cluster names every face in it (docs/immich-facts.md, "People").</summary>
    private async Task UpdatePersonAsync(HttpContext context, string personId)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var name = body?["name"]?.GetValue<string>();
        JsonObject? person = null;
        lock (_lock)
        {
            var cluster = _clusters.FirstOrDefault(pair => pair.Value.Id == personId).Key;
            if (cluster is not null && name is not null)
            {
                _clusters[cluster] = (personId, name);
                _personIds.TryAdd(name, personId);
                _renames.Add((personId, name));
                person = PersonJson(name);
            }
        }

        if (person is null)
        {
            await WriteErrorAsync(context, 400, "Not found or no person.update access");
            return;
        }

        await WriteJsonAsync(context, 200, person);
    }

    /// <summary><c>POST /people/{id}/merge</c> <c>{ids}</c>: the listed people's faces become the target's; answers one <c>{id, success}</c> per id.</summary>
    private async Task MergePeopleAsync(HttpContext context, string targetId)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var ids = body?["ids"]?.AsArray().Select(id => id!.GetValue<string>()).ToList() ?? [];
        var results = new JsonArray();
        lock (_lock)
        {
            var target = _personIds.FirstOrDefault(pair => pair.Value == targetId).Key
                ?? _createdPeople.FirstOrDefault(created => created.Id == targetId).Name;
            foreach (var id in ids)
            {
                var cluster = _clusters.FirstOrDefault(pair => pair.Value.Id == id).Key;
                var merged = target is not null && cluster is not null;
                if (merged)
                {
                    _clusters[cluster!] = (targetId, target!);
                    _merges.Add((targetId, id));
                }

                results.Add(new JsonObject { ["id"] = id, ["success"] = merged });
            }
        }

        await WriteJsonAsync(context, 200, results);
    }

    /// <summary>A person the user already has in Immich: one asset with one face of that name (an empty name is an unnamed cluster).</summary>
    public void GivenPerson(string name)
    {
        lock (_lock)
        {
            var asset = new EmulatedAsset
            {
                Id = Guid.NewGuid().ToString(),
                Sha256 = Guid.NewGuid().ToString("N"),
                Checksum = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(new byte[4]).ToArray()),
                OriginalFileName = "existing.jpg",
                FileCreatedAt = "2026-01-01T00:00:00.000Z",
                FileModifiedAt = "2026-01-01T00:00:00.000Z",
                Faces = [(Guid.NewGuid().ToString(), EmulatedFace.Named(name))],
                Processing = EmulatedProcessing.Instant,
            };
            _assets[asset.Id] = asset;
        }
    }

    private async Task BulkUploadCheckAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var results = new JsonArray();
        foreach (var entry in body?["assets"]?.AsArray() ?? [])
        {
            var id = entry!["id"]!.GetValue<string>();
            var checksum = ToBase64Checksum(entry["checksum"]!.GetValue<string>());
            EmulatedAsset? existing;
            lock (_lock)
            {
                existing = LiveAssetWithChecksum(checksum);
            }

            results.Add(existing is null
                ? new JsonObject { ["id"] = id, ["action"] = "accept" }
                : new JsonObject { ["id"] = id, ["action"] = "reject", ["reason"] = "duplicate", ["assetId"] = existing.Id, ["isTrashed"] = existing.IsTrashed });
        }

        await WriteJsonAsync(context, 200, new JsonObject { ["results"] = results });
    }

    private async Task PeopleAsync(HttpContext context)
    {
        JsonArray people;
        lock (_lock)
        {
            var named = _assets.Values.Where(asset => !asset.IsTrashed)
                .SelectMany(asset => asset.Faces)
                .Select(face => face.Face.PersonName == "" ? Cluster(face.Face.Cluster ?? "").Name : face.Face.PersonName)
                .Where(name => !string.IsNullOrEmpty(name))
                .Distinct(StringComparer.Ordinal);
            people = new JsonArray([.. named.Select(name => (JsonNode)PersonJson(name!))]);
        }

        await WriteJsonAsync(context, 200, new JsonObject { ["people"] = people, ["total"] = people.Count, ["hidden"] = 0, ["hasNextPage"] = false });
    }

    private async Task CreatePersonAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var name = body?["name"]?.GetValue<string>() ?? "";
        JsonObject person;
        lock (_lock)
        {
            var id = Guid.NewGuid().ToString();
            _createdPeople.Add((id, name));
            _personIds.TryAdd(name, id);
            person = PersonJson(name);
            person["id"] = id;
        }

        await WriteJsonAsync(context, 201, person);
    }

    private async Task ReassignFaceAsync(HttpContext context, string personId)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var faceId = body?["id"]?.GetValue<string>();
        JsonObject? person = null;
        lock (_lock)
        {
            var name = _personIds.FirstOrDefault(pair => pair.Value == personId).Key
                ?? _createdPeople.FirstOrDefault(created => created.Id == personId).Name;
            var asset = _assets.Values.FirstOrDefault(candidate => !candidate.IsPurged && candidate.Faces.Any(face => face.FaceId == faceId));
            if (name is not null && asset is not null)
            {
                asset.Faces = [.. asset.Faces.Select(face => face.FaceId == faceId ? (face.FaceId, face.Face with { PersonName = name, Cluster = null }) : face)];
                _reassignments.Add((faceId!, PersonName.Sanitize(name) ?? name));
                person = PersonJson(name);
            }
        }

        if (person is null)
        {
            await WriteErrorAsync(context, 400, "Not found or no person.reassign access");
            return;
        }

        await WriteJsonAsync(context, 200, person);
    }

    /// <summary>The user's asset with this base64 SHA-1 that is not purged, if any (call under the lock).</summary>
    private EmulatedAsset? LiveAssetWithChecksum(string checksum) =>
        _assetsByChecksum.TryGetValue(checksum, out var asset) && !asset.IsPurged ? asset : null;

    /// <summary>Immich takes the SHA-1 as 40 hex characters or 28 base64 ones (docs/immich-facts.md, "Upload").</summary>
    private static string ToBase64Checksum(string checksum) =>
        checksum.Length == 40 ? Convert.ToBase64String(Convert.FromHexString(checksum)) : checksum;
}
