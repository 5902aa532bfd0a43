namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// Real photographs: the demo photos of the npm package <c>@vladmandic/face-api</c>, which
/// <c>scripts/install-test-prerequisites.sh</c> fetches with <c>npm pack</c> into <c>.testdata/face-api/</c>
/// (never committed). A test that needs them fails when they are missing.
/// </summary>
public static class RealPhotos
{
    public static IReadOnlyList<string> All()
    {
        var folder = Path.Combine(PublishedApp.RepositoryRoot(), ".testdata", "face-api", "package", "demo");
        var photos = Directory.Exists(folder) ? Directory.GetFiles(folder, "sample*.jpg").Order(StringComparer.Ordinal).ToList() : [];
        if (photos.Count == 0)
        {
            throw new InvalidOperationException($"The real test photos are missing from {folder}: run scripts/install-test-prerequisites.sh (it fetches them with npm pack @vladmandic/face-api).");
        }

        return photos;
    }
}
