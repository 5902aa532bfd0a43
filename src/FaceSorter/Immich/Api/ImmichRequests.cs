namespace FaceSorter.Immich.Api;

/// <summary><c>POST /assets/bulk-upload-check</c> body: <c>{assets: [{id, checksum}]}</c>, the checksum a SHA-1 in hex.</summary>
internal sealed record BulkUploadCheckRequest(IReadOnlyList<BulkUploadCheckItem> Assets);

/// <summary>One asset of <see cref="BulkUploadCheckRequest"/>: the caller's id for it and its SHA-1 (hex).</summary>
internal sealed record BulkUploadCheckItem(string Id, string Checksum);

/// <summary><c>POST /people</c> and <c>PUT /people/{id}</c> body: <c>{name}</c>.</summary>
internal sealed record PersonNameRequest(string Name);

/// <summary><c>POST /people/{id}/merge</c> body: <c>{ids}</c>, the people merged into the one in the path.</summary>
internal sealed record MergePeopleRequest(IReadOnlyCollection<string> Ids);

/// <summary><c>PUT /faces/{personId}</c> body: <c>{id}</c>, the face given to the person in the path.</summary>
internal sealed record FaceIdRequest(string Id);

/// <summary><c>DELETE /assets</c> body: <c>{ids, force}</c>; <c>force: true</c> purges at once instead of trashing.</summary>
internal sealed record DeleteAssetsRequest(IReadOnlyCollection<string> Ids, bool Force);
