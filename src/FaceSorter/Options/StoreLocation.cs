using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceSorter.Options;

/// <summary>
/// Where FaceSorter's own data lives, read once from <c>Database</c> and <c>Directories</c> so no
/// consumer parses a connection string: <see cref="DataFolder"/> is the SQLite file's folder (or
/// the review folder's parent with PostgreSQL or an in-memory database); <see cref="Description"/>
/// names the store for the log (the SQLite file, or the PostgreSQL connection without its password).
/// </summary>
public sealed class StoreLocation(IOptions<DatabaseOptions> database, IOptions<DirectoriesOptions> directories)
{
    private readonly Lazy<string> _dataFolder = new(() => FolderOf(database.Value, directories.Value));

    public DatabaseProvider Provider => database.Value.Provider;

    public string DataFolder => _dataFolder.Value;

    public string Description => Describe(database.Value);

    private static string FolderOf(DatabaseOptions database, DirectoriesOptions directories)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            var source = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            if (!string.IsNullOrEmpty(source) && source != ":memory:")
            {
                return Path.GetDirectoryName(Path.GetFullPath(source))!;
            }
        }

        return Path.GetDirectoryName(Path.GetFullPath(directories.Review))!;
    }

    private static string Describe(DatabaseOptions options) => options.Provider == DatabaseProvider.Sqlite
        ? new SqliteConnectionStringBuilder(options.ConnectionString).DataSource
        : DescribePostgres(options.ConnectionString);

    // A method of its own: precompiled code loads the types a method names when it is entered, and a
    // daemon on SQLite has no use for Npgsql (docs/operations.md, "Runtime settings").
    private static string DescribePostgres(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Password = null }.ToString();
}
