using Npgsql;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// The test PostgreSQL server: <c>FACESORTER_TEST_PG</c>, else <c>.pgtest/connection</c> in the
/// repository (written by <c>scripts/pg-test-server.sh start</c>). Without a reachable server the
/// tests fail, with a message that says how to start one; they never skip.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "FACESORTER_TEST_PG";
    private const string HowToFix = "run scripts/pg-test-server.sh start (or set FACESORTER_TEST_PG to a connection string of a server where the user may create databases)";
    private static readonly SemaphoreSlim Checked = new(1, 1);
    private static string? _connectionString;

    /// <summary>A connection string of the server, checked once per test run.</summary>
    public static async Task<string> GetConnectionStringAsync(CancellationToken cancellationToken)
    {
        await Checked.WaitAsync(cancellationToken);
        try
        {
            if (_connectionString is not null)
            {
                return _connectionString;
            }

            var (connectionString, from) = Find();
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5, Pooling = false };
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                throw new InvalidOperationException($"The test PostgreSQL ({connectionString}, from {from}) is not reachable: {ex.Message}. To fix: {HowToFix}.", ex);
            }

            return _connectionString = connectionString;
        }
        finally
        {
            Checked.Release();
        }
    }

    private static (string ConnectionString, string From) Find()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return (fromEnvironment.Trim(), EnvironmentVariable);
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var file = Path.Combine(directory.FullName, ".pgtest", "connection");
            if (File.Exists(file))
            {
                return (File.ReadAllText(file).Trim(), file);
            }
        }

        throw new InvalidOperationException($"No test PostgreSQL: {EnvironmentVariable} is not set and no .pgtest/connection was found above {AppContext.BaseDirectory}. To fix: {HowToFix}.");
    }
}
