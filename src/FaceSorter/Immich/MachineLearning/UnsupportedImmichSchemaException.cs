namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// Immich's database has a layout this program does not know; start-up stops (docs/contracts.md, "Immich": "an unknown
/// one stops start-up with a message naming what was found"). Retrying cannot help.
/// </summary>
public sealed class UnsupportedImmichSchemaException : Exception
{
    public UnsupportedImmichSchemaException(string message)
        : base(message)
    {
    }
}
