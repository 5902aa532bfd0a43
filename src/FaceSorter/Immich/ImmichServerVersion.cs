using System.Globalization;

namespace FaceSorter.Immich;

/// <summary>
/// What <c>GET /api/server/version</c> says ({major,minor,patch}; v3 adds <c>prerelease</c>).
/// The features that differ between versions are listed in docs/immich-facts.md, "Versions".
/// </summary>
public sealed record ImmichServerVersion(int Major, int Minor, int Patch, int? Prerelease = null) : IComparable<ImmichServerVersion>
{
    /// <summary>The oldest supported: REST paths became plural and upload moved to <c>POST /assets</c>.</summary>
    public static readonly ImmichServerVersion OldestSupported = new(1, 106, 0);

    public bool IsSupported => this >= OldestSupported;

    /// <summary><c>GET /queues</c> exists (and <c>/jobs</c> is deprecated) from v2.4 on.</summary>
    public bool HasQueuesEndpoint => this >= new ImmichServerVersion(2, 4, 0);

    /// <summary><c>deviceAssetId</c>/<c>deviceId</c> are gone, faces left the asset response, <c>duration</c> is ms.</summary>
    public bool IsV3OrLater => Major >= 3;

    public int CompareTo(ImmichServerVersion? other) =>
        other is null ? 1
        : Major != other.Major ? Major.CompareTo(other.Major)
        : Minor != other.Minor ? Minor.CompareTo(other.Minor)
        : Patch.CompareTo(other.Patch);

    public static bool operator <(ImmichServerVersion left, ImmichServerVersion right) => left.CompareTo(right) < 0;

    public static bool operator <=(ImmichServerVersion left, ImmichServerVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >(ImmichServerVersion left, ImmichServerVersion right) => left.CompareTo(right) > 0;

    public static bool operator >=(ImmichServerVersion left, ImmichServerVersion right) => left.CompareTo(right) >= 0;

    public override string ToString() =>
        Prerelease is { } pre
            ? string.Create(CultureInfo.InvariantCulture, $"v{Major}.{Minor}.{Patch}-rc.{pre}")
            : string.Create(CultureInfo.InvariantCulture, $"v{Major}.{Minor}.{Patch}");
}
