using Microsoft.Data.Sqlite;
using Npgsql;

namespace FaceSorter.Storage;

/// <summary>
/// Tells a store that is busy or out of reach for a while from a failure of the file: SQLite's SQLITE_BUSY (5) and
/// SQLITE_LOCKED (6), what another program's write transaction gives once the busy timeout (30 s) runs out, and a
/// PostgreSQL failure Npgsql marks transient (a connection refused or lost, a server starting or shutting down).
/// Such a file is not at fault and is tried again by itself, as after a full disk (docs/operations.md, "A full disk").
/// </summary>
public static class StoreBusy
{
    // SQLite result codes (https://www.sqlite.org/rescode.html).
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>True when <paramref name="exception"/> (or one it wraps) says the store is busy or unreachable for now.</summary>
    public static bool Is(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked })
            {
                return true;
            }

            // Npgsql's types only for its own exceptions: a daemon on SQLite never loads it (docs/operations.md, "Runtime settings").
            if (current.GetType().Namespace == "Npgsql" && IsTransientPostgres(current))
            {
                return true;
            }
        }

        return false;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool IsTransientPostgres(Exception exception) => exception is NpgsqlException { IsTransient: true };
}
