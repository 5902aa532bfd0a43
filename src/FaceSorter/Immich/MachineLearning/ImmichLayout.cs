namespace FaceSorter.Immich.MachineLearning;

/// <summary>Which shape of Immich's face tables the database has (docs/immich-facts.md, "Database layouts").</summary>
public enum ImmichLayout
{
    /// <summary>v1.107–v1.135: plural tables (<c>assets</c>, <c>asset_faces</c>), embeddings in <c>face_search</c>.</summary>
    Plural,

    /// <summary>v1.136–v3.1: singular tables (<c>asset</c>, <c>asset_face</c>), <c>asset_face."personId"</c>.</summary>
    Singular,

    /// <summary>v3.2 and later: <c>asset_face."personGroupId"</c>, <c>person</c> keyed by (owner, group).</summary>
    PersonGroups,
}
