namespace FaceSorter.Immich.Api;

/// <summary>
/// The part of <c>PersonResponseDto</c> we read. From v3.2 the id is a person-group id: an opaque
/// string to us (docs/immich-facts.md, "Listing people"). An unnamed cluster has the name <c>""</c>.
/// </summary>
public sealed class PersonDto
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    public bool IsHidden { get; init; }
}
