namespace FaceSorter.Storage;

/// <summary>
/// The content claims that decide duplicates (docs/contracts.md, "Tables"): the first file with a
/// given content owns it; later copies are duplicates of it.
/// </summary>
public interface IContentClaims
{
    /// <summary>
    /// Claims <paramref name="fileHash"/> for the file at <paramref name="path"/>. The first claim of
    /// a hash wins (the database's unique constraint decides, not timing); a file that claimed it
    /// earlier (before a crash) wins again.
    /// </summary>
    Task<ContentClaim> ClaimContentAsync(string fileHash, string path, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="ClaimContentAsync"/> for each of <paramref name="claims"/> (content hash, absolute
    /// path), over one connection (issue 13: a session per file cost more than the claim): the answers
    /// are in the order asked, each decided against every earlier claim, one made earlier in the same
    /// call included (of two copies in one call, the first asked owns the content). Each claim commits
    /// on its own, as <see cref="ClaimContentAsync"/> does.
    /// </summary>
    Task<IReadOnlyList<ContentClaim>> ClaimContentsAsync(IReadOnlyList<(string FileHash, string Path)> claims, CancellationToken cancellationToken);

    /// <summary>
    /// Gives up a claim that is still only claimed by <paramref name="path"/> (the file never got
    /// sorted). A claim whose file is being moved right now is kept: the file is gone from the drop
    /// folder only because its move is under way, and its record follows. True when the claim was released.
    /// </summary>
    Task<bool> ReleaseClaimAsync(string fileHash, string path, CancellationToken cancellationToken);

    /// <summary>
    /// The claims still only claimed by a file in the drop folder (stored as <c>inbox:…</c>), with their
    /// paths made absolute against this daemon's drop folder. A store shared by several daemons cannot
    /// tell whose drop folder such a path is in (docs/contracts.md, "Stored paths").
    /// </summary>
    Task<IReadOnlyList<ContentPlace>> ListDropFolderClaimsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// True when every claim by a drop-folder path is this daemon's own, so a claim whose file is gone
    /// may be judged stale and released: only the embedded SQLite store, which one daemon owns (its
    /// instance lock). A shared PostgreSQL store stores another daemon's file, in its own drop folder,
    /// under the same <c>inbox:</c> form (docs/contracts.md, "Stored paths", "Near duplicates").
    /// </summary>
    bool OwnsDropFolderClaims { get; }
}
