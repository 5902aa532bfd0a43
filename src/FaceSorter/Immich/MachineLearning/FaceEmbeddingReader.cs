using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>Reads one face's stored embedding from Immich's <c>face_search</c> table.</summary>
public sealed class FaceEmbeddingReader
{
    private readonly NpgsqlDataSource _dataSource;

    public FaceEmbeddingReader([FromKeyedServices(MachineLearningServiceCollectionExtensions.ImmichDatabaseKey)] NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    /// <summary>The raw embedding, or null when Immich has none for that face (manual and EXIF faces have none).</summary>
    /// <exception cref="FaceServiceUnavailableException">The database cannot be read now.</exception>
    public async Task<float[]?> GetEmbeddingAsync(Guid faceId, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand(ImmichSchema.EmbeddingSql);
            command.Parameters.Add(new NpgsqlParameter { Value = faceId });
            return await command.ExecuteScalarAsync(cancellationToken) as float[];
        }
        catch (NpgsqlException ex)
        {
            throw new FaceServiceUnavailableException($"Immich's database cannot be read: {ex.Message}", ex);
        }
    }
}
