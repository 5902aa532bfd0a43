using FaceSorter.Immich.MachineLearning;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.MachineLearning;

/// <summary>Immich v1.136–v3.1: <c>asset</c>, <c>asset_face."personId"</c>.</summary>
public sealed class SingularLayoutGalleryTests() : GalleryLayoutTests(PostgresImmichDatabase.V31, ImmichLayout.Singular);
