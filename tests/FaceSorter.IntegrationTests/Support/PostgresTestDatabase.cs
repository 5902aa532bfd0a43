using Npgsql;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// A uniquely named database on the test PostgreSQL server for one test class (a class fixture),
/// dropped afterwards. The server is found through env <c>FACESORTER_TEST_PG</c>, else the
/// connection string that <c>scripts/pg-test-server.sh start</c> writes to <c>.pgtest/connection</c>
/// at the repository root. No server means a failure that says how to start one, never a skip
/// (STYLE 24).
/// </summary>
public sealed class PostgresTestDatabase : IAsyncLifetime
{
    public const string EnvironmentVariable = "FACESORTER_TEST_PG";
    private const string HowToFix = "Start the test server with `scripts/pg-test-server.sh start` (it writes .pgtest/connection), "
        + $"or set {EnvironmentVariable} to a connection string of a server where this user may create databases.";

    private string? _serverConnectionString;

    public string DatabaseName { get; } = $"facesorter_test_{Guid.NewGuid():N}";

    /// <summary>The connection string of this class's own database.</summary>
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _serverConnectionString = FindServer();
        try
        {
            await using var connection = new NpgsqlConnection(_serverConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {DatabaseName};", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception exception) when (exception is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"The test PostgreSQL server ({Redacted(_serverConnectionString)}) is not reachable or refused CREATE DATABASE: {exception.Message}. {HowToFix}", exception);
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = DatabaseName }.ToString();
    }

    /// <summary>
    /// A fresh, empty schema in this database and a connection string whose search path is that
    /// schema, so each test of the class starts from nothing while the database is created once.
    /// </summary>
    public async Task<string> CreateSchemaAsync(CancellationToken cancellationToken)
    {
        var schema = $"t_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema};", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_serverConnectionString is null || ConnectionString.Length == 0)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        // FORCE (PostgreSQL 13+): a pooled connection some test left open must not keep it alive.
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE);", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string FindServer()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment.Trim();
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FaceSorter.sln")))
            {
                var file = Path.Combine(directory.FullName, ".pgtest", "connection");
                if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } fromFile)
                {
                    return fromFile;
                }

                throw new InvalidOperationException($"No test PostgreSQL server: {EnvironmentVariable} is not set and {file} does not exist. {HowToFix}");
            }
        }

        throw new InvalidOperationException($"No test PostgreSQL server: {EnvironmentVariable} is not set and the repository root (FaceSorter.sln) was not found above {AppContext.BaseDirectory}. {HowToFix}");
    }

    private static string Redacted(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Password = null }.ToString();
}
