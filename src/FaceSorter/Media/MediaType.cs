namespace FaceSorter.Media;

/// <summary>
/// One family of media files as FaceSorter tells them apart by their leading bytes (see
/// <see cref="MediaTypes"/> for the table and docs/media-types.md for the sources).
/// </summary>
/// <param name="Name">Short name for messages: "PNG", "CR3", "MP4".</param>
/// <param name="Description">What a user calls it, with an article: "a Photoshop document (PSD)".</param>
/// <param name="Extensions">Lower-case, with the dot; the first is the canonical one, sent when the file's own is not usable.</param>
/// <param name="Signatures">Any one of them identifies the type.</param>
public sealed record MediaType(string Name, string Description, MediaKind Kind, IReadOnlyList<string> Extensions, IReadOnlyList<MediaSignature> Signatures)
{
    public string CanonicalExtension => Extensions[0];

    public bool HasExtension(string extension) => Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase);

    public override string ToString() => Name;
}
