namespace FaceSorter.Storage;

/// <summary>
/// The store's schema (docs/contracts.md, "Tables"): what start-up and the CLI verbs that read the
/// store (<c>stats</c>, <c>review</c>) need before anything else.
/// </summary>
public interface IStoreSchema
{
    /// <summary>The schema version this build migrates to.</summary>
    int SchemaVersion { get; }

    /// <summary>Creates the schema or migrates it to the current version.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);
}
