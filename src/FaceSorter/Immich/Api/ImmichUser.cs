namespace FaceSorter.Immich.Api;

/// <summary>The part of <c>GET /users/me</c> that <c>doctor</c> needs: only an admin's key can read the job queues.</summary>
public sealed class ImmichUser
{
    public required string Id { get; init; }

    public string? Email { get; init; }

    public string? Name { get; init; }

    public required bool IsAdmin { get; init; }
}
