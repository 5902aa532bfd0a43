namespace FaceSorter.Storage;

/// <summary>
/// The <c>held_files</c> table (docs/contracts.md, "Tables"): files that stay in the drop folder for
/// now, each with the recorded reason, one row per path.
/// </summary>
public interface IHeldFiles
{
    /// <summary>Records why a file stays in the drop folder for now (replaced on each call); its time is when this reason was first recorded, kept while the same reason is recorded again (a retry refused again).</summary>
    Task HoldAsync(string path, string reason, CancellationToken cancellationToken);

    /// <summary>Forgets the hold on <paramref name="path"/> (nothing happens when there is none).</summary>
    Task ReleaseHoldAsync(string path, CancellationToken cancellationToken);

    /// <summary>Every held file with its reason and when it was recorded, ordered by path (byte-wise).</summary>
    Task<IReadOnlyList<HeldFile>> GetHeldFilesAsync(CancellationToken cancellationToken);
}
