namespace FaceSorter.Immich.Api;

public enum AssetUploadStatus
{
    /// <summary>201: a new asset; this program may delete it again.</summary>
    Created,

    /// <summary>200: the owner already had this content; the existing asset is reused and never deleted.</summary>
    Duplicate,

    /// <summary>400 saying the file is not a supported image: rule 0, <c>invalid_</c> (docs/contracts.md, "Decision rules").</summary>
    Unsupported,
}
