using FaceSorter.Immich.MachineLearning;
using FaceSorter.Options;
using Microsoft.Extensions.DependencyInjection;

namespace FaceSorter.Immich.Upload;

public static class UploadServiceCollectionExtensions
{
    /// <summary>
    /// Upload mode (<c>Immich:Mode = Upload</c>) for <paramref name="verb"/>: the REST face service for
    /// <c>run</c> and <c>scan</c>, plus the gallery of Immich's named faces when
    /// <c>Immich:DatabaseConnectionString</c> is set (a real confidence); for <c>doctor</c> what its
    /// checks need. Returns the parts the mode uses, for <c>doctor</c>.
    /// </summary>
    public static FaceModeParts AddUploadMode(this IServiceCollection services, ImmichOptions immich, FaceSorterVerb verb)
    {
        var hasDatabase = !string.IsNullOrWhiteSpace(immich.DatabaseConnectionString);
        if (verb is FaceSorterVerb.Run or FaceSorterVerb.Scan)
        {
            services.AddImmichUpload();
        }

        if (verb != FaceSorterVerb.Query && hasDatabase)
        {
            services.AddImmichGallery(); // real confidence in Upload mode too (issue 4, part 4)
        }

        return new FaceModeParts(
            ServerUnused: null,
            MachineLearningUnused: "not used in Upload mode (Immich runs it itself)",
            DatabaseUnused: hasDatabase ? null : $"{ImmichOptions.Section}:DatabaseConnectionString is not set: confidence is unknown in Upload mode");
    }
}
