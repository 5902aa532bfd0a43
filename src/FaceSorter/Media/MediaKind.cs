namespace FaceSorter.Media;

/// <summary>What a <see cref="MediaType"/> holds: Immich takes images and videos; audio is named only to be refused clearly.</summary>
public enum MediaKind
{
    Image,
    Video,
    Audio,
}
