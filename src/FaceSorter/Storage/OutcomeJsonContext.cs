using System.Text.Json.Serialization;

namespace FaceSorter.Storage;

/// <summary>The move journal's JSON (<see cref="OutcomeJson"/>), generated at build time.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(OutcomeRecord))]
internal sealed partial class OutcomeJsonContext : JsonSerializerContext;
