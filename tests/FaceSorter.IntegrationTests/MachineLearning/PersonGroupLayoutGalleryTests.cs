using FaceSorter.Immich.MachineLearning;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.MachineLearning;

/// <summary>Immich v3.2+: person groups, <c>person</c> keyed by (owner, group).</summary>
public sealed class PersonGroupLayoutGalleryTests() : GalleryLayoutTests(PostgresImmichDatabase.V32, ImmichLayout.PersonGroups)
{
    [Fact]
    public async Task A_shared_person_group_counts_each_face_once_under_its_asset_owner_s_name()
    {
        var mine = await Database.AddUserAsync(Token);
        var partner = await Database.AddUserAsync(Token);
        var group = await Database.AddPersonAsync(mine, "Alice", Token);
        await Database.AddPersonRowAsync(partner, group, "Alicia", Token);
        await Database.AddFaceAsync(mine, group, Vectors.Random(), Token);
        await Database.AddFaceAsync(mine, group, Vectors.Random(), Token);
        await Database.AddFaceAsync(partner, group, Vectors.Random(), Token);

        var gallery = await Harness.Gallery.RefreshAsync(Token);

        gallery.Count.Should().Be(3);
        gallery.People.Select(p => (p.Name, p.PersonId)).Should().BeEquivalentTo(new[] { ("Alice", group.ToString()), ("Alicia", group.ToString()) });
    }
}
