using System.Text.Json;

namespace FaceSorter.Storage;

/// <summary>
/// The journal keeps the outcome to record as JSON, so a crash between move and record loses nothing:
/// the record's property names as they are and its enums as names. The code is generated at build time
/// (<see cref="OutcomeJsonContext"/>): every move writes one, and none waits for code made at run time.
/// </summary>
internal static class OutcomeJson
{
    public static string Serialize(OutcomeRecord outcome) => JsonSerializer.Serialize(outcome, OutcomeJsonContext.Default.OutcomeRecord);

    public static OutcomeRecord Deserialize(string json) =>
        JsonSerializer.Deserialize(json, OutcomeJsonContext.Default.OutcomeRecord) ?? throw new InvalidDataException("empty outcome in the move journal");
}
