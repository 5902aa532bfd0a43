using FaceSorter.Immich;
using FaceSorter.Immich.MachineLearning;
using FaceSorter.Options;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FaceSorter.Diagnostics;

/// <summary>Immich's PostgreSQL: reachable, a layout FaceSorter knows, and how many named people and faces it holds.</summary>
public sealed class ImmichDatabaseChecks(
    [FromKeyedServices(MachineLearningServiceCollectionExtensions.ImmichDatabaseKey)] NpgsqlDataSource dataSource,
    GalleryLoader loader)
{
    private const string Key = ImmichOptions.Section + ":DatabaseConnectionString";

    public async Task<IReadOnlyList<DoctorCheck>> RunAsync(CancellationToken cancellationToken)
    {
        ImmichSchema schema;
        try
        {
            schema = await ImmichSchema.DetectAsync(dataSource, cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return [DoctorCheck.Failed("Immich database", exception.Message, $"check {Key}: host, port (publish the database container's 5432), user, password and database name (usually immich)")];
        }
        catch (UnsupportedImmichSchemaException exception)
        {
            return [DoctorCheck.Failed("Immich database", exception.Message, "FaceSorter does not know this Immich version's tables yet; please report it")];
        }

        var checks = new List<DoctorCheck> { DoctorCheck.Ok("Immich database", $"layout {schema.Layout}: {schema.Describe()}") };
        try
        {
            var gallery = await loader.LoadAsync(cancellationToken);
            checks.Add(gallery.Count == 0
                ? DoctorCheck.Warning("Named faces", "no named, visible person with a face embedding", "name people in Immich (People → click a face → add a name); until then every face is unknown")
                : DoctorCheck.Ok("Named faces", $"{Plural.Of(gallery.People.Count, "named person", "named people")}, {Plural.Of(gallery.Count, "face")}"));
        }
        catch (FaceServiceUnavailableException exception)
        {
            checks.Add(DoctorCheck.Failed("Named faces", exception.Message, $"grant the user in {Key} SELECT on Immich's tables"));
        }
        catch (NpgsqlException exception)
        {
            checks.Add(DoctorCheck.Failed("Named faces", exception.Message, $"grant the user in {Key} SELECT on Immich's tables"));
        }

        return checks;
    }
}
