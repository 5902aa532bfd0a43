using System.Runtime.InteropServices;

namespace FaceSorter.Options;

/// <summary>Where a configured folder really is: the part of its path that exists with every symbolic link resolved (realpath(3), POSIX.1-2008), the rest as written.</summary>
internal static partial class RealFolders
{
    /// <param name="fullPath">An absolute path; it need not exist yet.</param>
    public static string Of(string fullPath)
    {
        var existing = fullPath;
        var rest = new Stack<string>();
        while (!Directory.Exists(existing))
        {
            if (Path.GetDirectoryName(existing) is not { } parent)
            {
                return fullPath;
            }

            rest.Push(Path.GetFileName(existing));
            existing = parent;
        }

        var resolved = RealPath(existing, 0);
        if (resolved == 0)
        {
            return fullPath; // unreadable on the way: the path as written, as before
        }

        try
        {
            return Path.Combine([Marshal.PtrToStringUTF8(resolved)!, .. rest]);
        }
        finally
        {
            Marshal.FreeHGlobal(resolved); // free(3) on Unix
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPath(string path, nint resolved);
}
