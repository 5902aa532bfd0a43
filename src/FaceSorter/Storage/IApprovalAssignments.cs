namespace FaceSorter.Storage;

/// <summary>
/// Approvals told to Immich (upload mode with <c>Immich:AssignApprovals</c>): which are still to be
/// told, and how each one was handled.
/// </summary>
public interface IApprovalAssignments
{
    /// <summary>Like <see cref="ILearnedFaces.ListUnlearnedApprovalsAsync"/>, for the approvals not yet told to Immich (<c>Immich:AssignApprovals</c>).</summary>
    Task<IReadOnlyList<DownloadItem>> ListUnassignedApprovalsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Records that the approval of <paramref name="fileHash"/> as <paramref name="person"/> was handled, and how.</summary>
    Task SetAssignmentAsync(string fileHash, string person, string outcome, CancellationToken cancellationToken);
}
