using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FaceSorter.Moving;

/// <summary>
/// The Linux calls .NET 10 does not expose. <c>File.Move(overwrite: false)</c> checks the destination with
/// <c>lstat</c> and then calls <c>rename(2)</c>, which replaces: in a race test it silently overwrote a
/// concurrently created file 9 924 times in 20 000 (docs/linux-facts.md, "Moves that never overwrite").
/// <c>renameat2(RENAME_NOREPLACE)</c> is atomic; <c>link</c> + <c>unlink</c> is the fallback on filesystems
/// without it.
/// </summary>
internal static partial class NativeFiles
{
    private const int AtFdCwd = -100;
    private const uint RenameNoReplace = 1;
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000;
    private const int OCloExec = 0x80000;

    public const int EExist = 17;
    public const int EXDev = 18;
    private const int EInval = 22;
    private const int ENoSys = 38;
    private const int EPerm = 1;
    private const int ENotSup = 95;

    public enum RenameResult
    {
        Renamed,
        DestinationExists,
        CrossDevice,
        SourceMissing,
    }

    /// <summary>Renames without ever replacing an existing destination.</summary>
    public static RenameResult RenameNoReplaceOrFail(string source, string destination)
    {
        if (RenameAt2(AtFdCwd, source, AtFdCwd, destination, RenameNoReplace) == 0)
        {
            return RenameResult.Renamed;
        }

        var error = Marshal.GetLastPInvokeError();
        if (error is EInval or ENoSys or ENotSup)
        {
            return LinkThenUnlink(source, destination);
        }

        return Classify(error, source, destination);
    }

    /// <summary>fsync of a directory, so a rename in it survives a power loss (docs/linux-facts.md, "Moves that never overwrite").</summary>
    public static void FlushDirectory(string directory)
    {
        var fd = Open(directory, ORdOnly | ODirectory | OCloExec);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory {directory} to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        RandomAccess.FlushToDisk(handle);
    }

    private static RenameResult LinkThenUnlink(string source, string destination)
    {
        if (Link(source, destination) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error == EPerm)
            {
                throw new IOException($"the filesystem of {destination} supports neither renameat2 nor hard links");
            }

            return Classify(error, source, destination);
        }

        File.Delete(source);
        return RenameResult.Renamed;
    }

    private static RenameResult Classify(int error, string source, string destination) => error switch
    {
        EExist => RenameResult.DestinationExists,
        EXDev => RenameResult.CrossDevice,
        2 when !File.Exists(source) => RenameResult.SourceMissing,
        _ => throw new IOException($"rename {source} -> {destination} failed: {Marshal.GetPInvokeErrorMessage(error)} (errno {error})", error), // the errno as HResult, as .NET's own IOException carries it (Storage.DiskFull)
    };

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);
}
