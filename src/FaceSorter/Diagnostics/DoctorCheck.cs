namespace FaceSorter.Diagnostics;

/// <summary>One line of <c>facesorter doctor</c>: what was checked, how it went, and what to do about it.</summary>
public sealed record DoctorCheck(string Name, CheckStatus Status, string Detail, string? Fix = null)
{
    public static DoctorCheck Ok(string name, string detail) => new(name, CheckStatus.Ok, detail);

    public static DoctorCheck Warning(string name, string detail, string fix) => new(name, CheckStatus.Warning, detail, fix);

    public static DoctorCheck Failed(string name, string detail, string fix) => new(name, CheckStatus.Failed, detail, fix);

    public static DoctorCheck Skipped(string name, string detail) => new(name, CheckStatus.Skipped, detail);
}
