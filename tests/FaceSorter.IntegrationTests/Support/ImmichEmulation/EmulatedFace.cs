namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// A face the emulated Immich "finds" in an uploaded image, in preview pixels (docs/immich-facts.md, "Faces").
/// <see cref="PersonName"/>: a name = a named person; <c>""</c> = a person nobody named yet (an
/// unnamed cluster); null = no person at all (<c>person: null</c>). <see cref="FaceId"/> pins the
/// face's id, to match a face row seeded in an Immich-shaped database; otherwise a new one is made.
/// <see cref="Cluster"/> names the unnamed cluster a face joins (faces of one person in several
/// photos share it), so naming or merging that cluster names all of them, as Immich does.
/// </summary>
public sealed record EmulatedFace(string? PersonName, int X1 = 400, int Y1 = 300, int X2 = 700, int Y2 = 700, string? FaceId = null, string? Cluster = null)
{
    public const int ImageWidth = 1440;
    public const int ImageHeight = 1080;

    public static EmulatedFace Named(string name) => new(name);

    public static EmulatedFace WithoutPerson() => new((string?)null);

    public static EmulatedFace InUnnamedPerson() => new("");

    /// <summary>A face in the unnamed cluster <paramref name="cluster"/>, shared by every photo of that (unnamed) person.</summary>
    public static EmulatedFace InCluster(string cluster) => new("", Cluster: cluster);
}
