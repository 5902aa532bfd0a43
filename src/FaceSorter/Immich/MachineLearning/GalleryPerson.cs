namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// A named person in the gallery. People are keyed by the sanitised name
/// (docs/contracts.md, "Names and prefixes": the folder under <c>faces/</c>), so Immich clusters that share
/// a name, which users often leave unmerged, count as one person.
/// </summary>
/// <param name="Name">The name as Immich spells it (of the first cluster seen).</param>
/// <param name="Key">The sanitised name.</param>
/// <param name="PersonId">Immich's person id (a person-group id from v3.2 on) of the first cluster seen.</param>
public sealed record GalleryPerson(string Name, string Key, string PersonId);
