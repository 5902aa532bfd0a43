using System.Data.Common;

namespace FaceSorter.Storage;

/// <summary>
/// The row shapes the store reads: the same columns in the same order make the same records,
/// whichever provider's reader holds the row.
/// </summary>
internal static class StoreRows
{
    public const string ReviewColumns = """
        SELECT id, file_path, category, file_hash, reason, faces_detected, suggested_person, created_at,
               reviewed_at, reviewed_by, action, source, confidence, earlier_path
        FROM review_queue
        """;

    /// <summary>A row of <see cref="ReviewColumns"/>, its path as stored.</summary>
    public static ReviewItem ReviewItem(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.GetInt32(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        Timestamps.Parse(reader.GetString(7)),
        reader.IsDBNull(8) ? null : Timestamps.Parse(reader.GetString(8)),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        Enum.Parse<ReviewAction>(reader.GetString(10), ignoreCase: true),
        reader.IsDBNull(11) ? null : reader.GetString(11),
        reader.IsDBNull(12) ? null : reader.GetDouble(12),
        reader.IsDBNull(13) ? null : reader.GetString(13));

    /// <summary>A row of <c>id, file_path, file_hash, person_name, auto_sorted, source</c> from <c>downloads</c>, its path as stored.</summary>
    public static DownloadItem DownloadItem(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.GetInt32(4) == 1,
        reader.IsDBNull(5) ? null : reader.GetString(5));

    /// <summary>A row of <c>source_path, destination_path, outcome</c> from <c>move_journal</c>, with absolute paths.</summary>
    public static SortedMove SortedMove(DbDataReader reader, StorePaths paths)
    {
        var outcome = OutcomeJson.Deserialize(reader.GetString(2));
        return new(paths.ToFull(reader.GetString(0)), paths.ToFull(reader.GetString(1)), outcome.Kind, outcome.FileHash);
    }

    /// <summary>A row of <c>id, file_path, owner_path, reason, created_at</c> from <c>companions</c>, with absolute paths.</summary>
    public static CompanionRecord Companion(DbDataReader reader, StorePaths paths) =>
        new(reader.GetInt64(0), paths.ToFull(reader.GetString(1)), paths.ToFull(reader.GetString(2)), reader.GetString(3), Timestamps.Parse(reader.GetString(4)));

    /// <summary>A <c>RETURNING file_hash, source, category, file_path</c> row of a review decision.</summary>
    public static (string? FileHash, string? Source, string Category, string FilePath) DecidedRow(DbDataReader reader) => (
        reader.IsDBNull(0) ? null : reader.GetString(0),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3));

    /// <summary>A row of <c>key, COUNT(*)</c>.</summary>
    public static KeyValuePair<string, int> Group(DbDataReader reader) => new(reader.GetString(0), Convert.ToInt32(reader.GetInt64(1)));

    /// <summary>
    /// The exclusive upper bound of the paths starting with <paramref name="prefix"/>, compared
    /// byte-wise in UTF-8 (SQLite's BINARY, PostgreSQL's "C"): U+10FFFF encodes above any character.
    /// </summary>
    public static string PrefixEnd(string prefix) => prefix + char.ConvertFromUtf32(0x10FFFF);
}
