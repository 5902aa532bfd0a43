namespace FaceSorter.Immich.Api;

/// <summary><c>PeopleResponseDto</c> from <c>GET /people</c> (docs/immich-facts.md, "Listing people").</summary>
public sealed class PeoplePageDto
{
    public required List<PersonDto> People { get; init; }

    public bool HasNextPage { get; init; }
}
