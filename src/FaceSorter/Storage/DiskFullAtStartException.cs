namespace FaceSorter.Storage;

/// <summary>
/// Start-up found the disk or the store full (<see cref="DiskFull"/>): the daemon does not start. Its line is
/// already logged (event 8799, no stack trace); the executable exits with code 1 (README "Exit codes").
/// </summary>
public sealed class DiskFullAtStartException(string where, Exception inner)
    : Exception($"the disk is full at {where}: {inner.Message}", inner)
{
    public string Where { get; } = where;
}
