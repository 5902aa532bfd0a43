using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace FaceSorter.Options;

/// <summary>Relative paths resolve against the config file's folder, not the working directory (docs/contracts.md, "Folders").</summary>
internal sealed class ResolvePaths(ConfigLocation location) : IPostConfigureOptions<DirectoriesOptions>, IPostConfigureOptions<DatabaseOptions>
{
    public void PostConfigure(string? name, DirectoriesOptions options)
    {
        options.Inbox = Resolve(options.Inbox);
        options.Faces = Resolve(options.Faces);
        options.Review = Resolve(options.Review);
    }

    public void PostConfigure(string? name, DatabaseOptions options)
    {
        if (options.Provider != DatabaseProvider.Sqlite || string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return;
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            return; // left as written: DatabaseOptionsValidator names the keyword or value SQLite does not know
        }

        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            builder.DataSource = location.Resolve(builder.DataSource);
            options.ConnectionString = builder.ToString();
        }
    }

    private string Resolve(string path) => string.IsNullOrWhiteSpace(path) ? path : location.Resolve(path).TrimEnd('/');
}
