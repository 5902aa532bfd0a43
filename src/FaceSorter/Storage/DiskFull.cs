using Microsoft.Data.Sqlite;
using Npgsql;

namespace FaceSorter.Storage;

/// <summary>
/// Tells a failure of the disk or the store (no space left, quota reached, a store that cannot grow) from a
/// failure of the file: such a file is not at fault and is tried again by itself once space is back
/// (docs/operations.md, "A full disk").
/// </summary>
public static class DiskFull
{
    // Linux errno values (asm-generic/errno-base.h, errno.h). On Unix .NET's IOException carries the raw errno as its HResult.
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;

    // SQLite result codes (https://www.sqlite.org/rescode.html).
    private const int SqliteIoErr = 10;
    private const int SqliteFull = 13;

    // PostgreSQL SQLSTATE class 53, insufficient resources: 53100 disk_full.
    private const string PostgresDiskFull = "53100";

    /// <summary>
    /// True when <paramref name="exception"/> (or one it wraps) says the disk or the store is full:
    /// an <see cref="IOException"/> with errno ENOSPC or EDQUOT, SQLite's SQLITE_FULL (13) or SQLITE_IOERR (10, what
    /// SQLite says when a full disk fails a write of its journal, WAL or shared memory), PostgreSQL's 53100 disk_full.
    /// </summary>
    public static bool Is(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case SqliteException sqlite when sqlite.SqliteErrorCode is SqliteFull or SqliteIoErr:
                    return true;
                case IOException io when io.HResult is ENOSPC or EDQUOT:
                    return true;
            }

            // Npgsql's types only for its own exceptions: a daemon on SQLite never loads it (docs/operations.md, "Runtime settings").
            if (current.GetType().Namespace == "Npgsql" && IsPostgresDiskFull(current))
            {
                return true;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Any(Is))
            {
                return true;
            }
        }

        return false;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool IsPostgresDiskFull(Exception exception) => exception is PostgresException { SqlState: PostgresDiskFull };

    /// <summary>The errno an <see cref="IOException"/> carries for a full filesystem, for code that reports its own errno.</summary>
    public static bool IsErrno(int errno) => errno is ENOSPC or EDQUOT;

    /// <summary>
    /// Free bytes for an unprivileged writer on the filesystem holding <paramref name="path"/> (its nearest existing
    /// folder), with its size; null when it cannot be told.
    /// </summary>
    public static (long Available, long Total)? SpaceAt(string path)
    {
        try
        {
            var existing = Path.GetFullPath(path);
            while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
            {
                existing = parent;
            }

            var drive = new DriveInfo(existing);
            return (drive.AvailableFreeSpace, drive.TotalSize);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
