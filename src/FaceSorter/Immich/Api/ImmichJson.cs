using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceSorter.Immich.Api;

/// <summary>
/// The JSON of Immich's REST API (camelCase, as <see cref="JsonSerializerDefaults.Web"/>) and its ML
/// service's embeddings, with serialization code generated at build time: reading an answer needs no
/// reflection and no code emitted at run time, which the first file after a start waited for
/// (docs/operations.md, "Runtime settings"). A type read or written must be listed here.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ImmichPingDto))]
[JsonSerializable(typeof(ImmichVersionDto))]
[JsonSerializable(typeof(ServerMediaTypesDto))]
[JsonSerializable(typeof(ImmichUser))]
[JsonSerializable(typeof(List<AssetFaceDto>))]
[JsonSerializable(typeof(List<QueueDto>))]
[JsonSerializable(typeof(Dictionary<string, LegacyQueueDto>))]
[JsonSerializable(typeof(AssetMediaResponseDto))]
[JsonSerializable(typeof(BulkUploadCheckDto))]
[JsonSerializable(typeof(PeoplePageDto))]
[JsonSerializable(typeof(PersonDto))]
[JsonSerializable(typeof(List<BulkIdResultDto>))]
[JsonSerializable(typeof(BulkUploadCheckRequest))]
[JsonSerializable(typeof(PersonNameRequest))]
[JsonSerializable(typeof(MergePeopleRequest))]
[JsonSerializable(typeof(FaceIdRequest))]
[JsonSerializable(typeof(DeleteAssetsRequest))]
[JsonSerializable(typeof(float[]))]
internal sealed partial class ImmichJson : JsonSerializerContext;
