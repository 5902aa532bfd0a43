using static FaceSorter.Storage.Arg;

namespace FaceSorter.Storage;

/// <summary>
/// Schema version 6 (issue 12, part 4): rows written with absolute paths are rewritten into the stored
/// form of <see cref="StorePaths"/>, so that moving or remounting the data folder keeps them
/// (docs/contracts.md, "Stored paths"). Only paths under the folders configured when the migration runs
/// are rewritten; any other row keeps its absolute path, which still works where it points. Runs inside
/// the migration transaction, after version 6's DDL. Journal outcomes keep an owner path in their JSON:
/// the store normalises it when it reads one, so they need no rewrite.
/// </summary>
internal static class StoredPathsMigration
{
    public const int Version = 6;

    /// <summary>Every path column FaceSorter writes (docs/contracts.md, "Tables").</summary>
    private static readonly (string Table, string Column)[] PathColumns =
    [
        ("downloads", "file_path"),
        ("review_queue", "file_path"),
        ("contents", "first_path"),
        ("move_journal", "source_path"),
        ("move_journal", "destination_path"),
        ("held_files", "file_path"),
        ("companions", "file_path"),
        ("companions", "owner_path"),
        ("corrections", "file_path"),
    ];

    public static async Task RewriteAsync(DbSession db, StoreDialect dialect, StorePaths paths, CancellationToken cancellationToken)
    {
        // Longest folder first (Roots is ordered so): a rewritten path no longer starts with '/', so a
        // shorter folder that contains a longer one never takes its rows.
        foreach (var (tag, prefix) in paths.Roots)
        {
            foreach (var (table, column) in PathColumns)
            {
                // length() and substr() count characters on both databases, so the cut is the same.
                await db.ExecuteAsync($"""
                    UPDATE {table} SET {column} = @tag || substr({column}, length(@prefix) + 1)
                    WHERE {column}{dialect.ByteOrder} >= @prefix AND {column}{dialect.ByteOrder} < @high;
                    """, cancellationToken, Text("tag", tag + ":"), Text("prefix", prefix), Text("high", StoreRows.PrefixEnd(prefix)));
            }
        }
    }
}
