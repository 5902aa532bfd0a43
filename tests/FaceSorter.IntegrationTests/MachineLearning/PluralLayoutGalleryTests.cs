using FaceSorter.Immich.MachineLearning;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.MachineLearning;

/// <summary>Immich v1.107–v1.135: <c>assets</c>, <c>asset_faces</c> (no <c>isVisible</c>).</summary>
public sealed class PluralLayoutGalleryTests() : GalleryLayoutTests(PostgresImmichDatabase.V1130, ImmichLayout.Plural);
