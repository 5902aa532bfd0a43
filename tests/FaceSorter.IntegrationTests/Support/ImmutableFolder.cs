using System.Diagnostics;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// A folder made immutable (<c>chattr +i</c>: even root can neither add to it nor take from it) until disposed.
/// The tests run as root, for whom permission bits refuse nothing. Fails, never skips, where chattr cannot.
/// </summary>
public sealed class ImmutableFolder : IDisposable
{
    private readonly string _folder;

    public ImmutableFolder(string folder)
    {
        _folder = folder;
        Chattr("+i", folder);
    }

    public void Dispose() => Chattr("-i", _folder);

    private static void Chattr(string change, string folder)
    {
        using var chattr = Process.Start(new ProcessStartInfo("chattr", [change, folder]) { RedirectStandardError = true })!;
        var error = chattr.StandardError.ReadToEnd();
        chattr.WaitForExit();
        chattr.ExitCode.Should().Be(0, $"chattr {change} {folder} is needed by this test (e2fsprogs, ext4 or tmpfs): {error}");
    }
}
