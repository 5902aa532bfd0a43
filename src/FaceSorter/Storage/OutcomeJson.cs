using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceSorter.Storage;

/// <summary>The journal keeps the outcome to record as JSON, so a crash between move and record loses nothing.</summary>
internal static class OutcomeJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(OutcomeRecord outcome) => JsonSerializer.Serialize(outcome, Options);

    public static OutcomeRecord Deserialize(string json) =>
        JsonSerializer.Deserialize<OutcomeRecord>(json, Options) ?? throw new InvalidDataException("empty outcome in the move journal");
}
