namespace FaceSorter.Options;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary><c>FaceSorter:Database</c>: where FaceSorter keeps its own records.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "FaceSorter:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    public string ConnectionString { get; set; } = "Data Source=data/facesorter.db";
}
