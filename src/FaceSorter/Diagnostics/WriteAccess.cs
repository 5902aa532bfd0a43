using System.Runtime.InteropServices;

namespace FaceSorter.Diagnostics;

/// <summary>
/// <c>access(2)</c> with <c>W_OK</c>: whether this process may write to a path, asked of the kernel
/// without writing anything (so <c>doctor</c> leaves the disk as it found it). It answers for the
/// real uid, which is the daemon's own when it is not setuid; a read-only mount answers EROFS.
/// </summary>
internal static partial class WriteAccess
{
    private const int WOk = 2;

    /// <summary>True when writable; otherwise false with the kernel's reason.</summary>
    public static bool Check(string path, out string why)
    {
        if (Access(path, WOk) == 0)
        {
            why = "";
            return true;
        }

        var error = Marshal.GetLastPInvokeError();
        why = $"{Marshal.GetPInvokeErrorMessage(error)} (errno {error})";
        return false;
    }

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}
