using System.Data.Common;

namespace FaceSorter.Storage;

/// <summary>
/// One connection for one unit of work, with its transaction when it has one. Rows are read with the
/// synchronous getters after an awaited <c>ReadAsync</c>: without sequential access the provider has
/// already buffered the row, so they do no I/O.
/// <para>
/// A statement run again in the same session reuses its command, so SQLite parses it once per session
/// rather than once per row (issue 13: a batch of 128 moves ran each of its statements 128 times, and
/// parsing cost about as much as running).
/// </para>
/// </summary>
internal sealed class DbSession(DbConnection connection) : IAsyncDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private DbTransaction? _transaction;

    /// <summary>The open connection, for what the dialect keeps per connection.</summary>
    public DbConnection Connection => connection;

    public async Task BeginAsync(CancellationToken cancellationToken) =>
        _transaction = await connection.BeginTransactionAsync(cancellationToken);

    public Task CommitAsync(CancellationToken cancellationToken) =>
        (_transaction ?? throw new InvalidOperationException("no transaction to commit")).CommitAsync(cancellationToken);

    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params Arg[] args)
    {
        var command = Command(sql, args);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params Arg[] args)
    {
        var command = Command(sql, args);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> row, CancellationToken cancellationToken, params Arg[] args)
    {
        var command = Command(sql, args);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(row(reader));
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync();
        }

        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
        }

        await connection.DisposeAsync();
    }

    private DbCommand Command(string sql, Arg[] args)
    {
        if (_commands.TryGetValue(sql, out var known) && known.Parameters.Count == args.Length)
        {
            known.Transaction = _transaction;
            foreach (var arg in args)
            {
                known.Parameters["@" + arg.Name].Value = arg.Value ?? DBNull.Value;
            }

            return known;
        }

        var command = connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        if (_commands.Remove(sql, out var stale))
        {
            stale.Dispose();
        }

        _commands[sql] = command;
        foreach (var arg in args)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + arg.Name;
            if (arg.Type is { } type)
            {
                parameter.DbType = type;
            }

            parameter.Value = arg.Value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
