using System.Data.Common;

namespace FaceSorter.Storage;

/// <summary>
/// One connection for one unit of work, with its transaction when it has one. Rows are read with the
/// synchronous getters after an awaited <c>ReadAsync</c>: without sequential access the provider has
/// already buffered the row, so they do no I/O.
/// </summary>
internal sealed class DbSession(DbConnection connection) : IAsyncDisposable
{
    private DbTransaction? _transaction;

    public async Task BeginAsync(CancellationToken cancellationToken) =>
        _transaction = await connection.BeginTransactionAsync(cancellationToken);

    public Task CommitAsync(CancellationToken cancellationToken) =>
        (_transaction ?? throw new InvalidOperationException("no transaction to commit")).CommitAsync(cancellationToken);

    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params Arg[] args)
    {
        await using var command = Command(sql, args);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params Arg[] args)
    {
        await using var command = Command(sql, args);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> row, CancellationToken cancellationToken, params Arg[] args)
    {
        await using var command = Command(sql, args);
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
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
        }

        await connection.DisposeAsync();
    }

    private DbCommand Command(string sql, Arg[] args)
    {
        var command = connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
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
