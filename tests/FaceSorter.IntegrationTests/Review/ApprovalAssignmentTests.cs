using System.Security.Cryptography;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Review;

/// <summary>
/// <c>Immich:AssignApprovals</c> in the real daemon: an approval in the file manager teaches the
/// emulated Immich the person, for the three kinds of face (an unnamed cluster, an unassigned face, a
/// face of an existing named person).
/// </summary>
public sealed class ApprovalAssignmentTests : EmulatedImmichTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Each_kind_of_face_teaches_Immich_the_person_it_was_approved_as()
    {
        var clustered = TestImages.Jpeg(801);
        var stranger = TestImages.Jpeg(802);
        var alicePhoto = TestImages.Jpeg(803);
        var unassigned = TestImages.Jpeg(804);
        Immich.SetFaces(Sha256(alicePhoto), EmulatedFace.Named("Alice Smith"));
        Immich.SetFaces(Sha256(clustered), EmulatedFace.InCluster("alice-lookalike"));
        Immich.SetFaces(Sha256(stranger), EmulatedFace.WithoutPerson());
        Immich.SetFaces(Sha256(unassigned), EmulatedFace.WithoutPerson());
        await using var daemon = await StartAsync();
        TestImages.Write(daemon.Inbox, "alice.jpg", alicePhoto);
        TestImages.Write(daemon.Inbox, "clustered.jpg", clustered);
        TestImages.Write(daemon.Inbox, "stranger.jpg", stranger);
        TestImages.Write(daemon.Inbox, "unassigned.jpg", unassigned);
        var rows = await daemon.ReviewRowsAsync(3, Token);

        // In the file manager: two are Alice Smith (already in Immich), one someone Immich has never named.
        MoveInto(daemon, Row(rows, "unknown_clustered.jpg"), "alice_smith");
        MoveInto(daemon, Row(rows, "unknown_unassigned.jpg"), "alice_smith");
        MoveInto(daemon, Row(rows, "unknown_stranger.jpg"), "zoe");

        await Eventually.UntilAsync(() => Immich.Reassignments.Count == 2 && Immich.Merges.Count == 1, Deadline, "all three approvals told to Immich", Token);
        Immich.Merges.Should().ContainSingle("the unnamed cluster joins the existing Alice Smith, with all its faces");
        Immich.Reassignments.Select(assignment => assignment.Person).Should().BeEquivalentTo(["alice_smith", "zoe"], "an unassigned face is assigned to the person");
        Immich.Requests.Count(request => request.Method == "POST" && request.Path == "/api/people").Should().Be(1, "Alice Smith was found by name; only Zoe was created");
        Immich.Uploads.Should().HaveCount(4, "the approved files were found by checksum, not uploaded again");
    }

    [Fact]
    public async Task Approving_one_photo_of_a_person_Immich_has_not_named_makes_the_next_photo_of_them_sort_itself()
    {
        var first = TestImages.Jpeg(811);
        var next = TestImages.Jpeg(812);
        Immich.SetFaces(Sha256(first), EmulatedFace.InCluster("erin"));
        Immich.SetFaces(Sha256(next), EmulatedFace.InCluster("erin"));
        await using var daemon = await StartAsync();
        TestImages.Write(daemon.Inbox, "first.jpg", first);
        var row = (await daemon.ReviewRowsAsync(1, Token)).Single();

        MoveInto(daemon, row.FilePath, "erin_evans");
        await Eventually.UntilAsync(() => Immich.Renames.Count == 1, Deadline, "the approval told to Immich", Token);
        Immich.Renames.Single().Name.Should().Be("Erin Evans", "a new person is named from the folder as a user would write it");

        TestImages.Write(daemon.Inbox, "next.jpg", next);
        await daemon.UntilSortedAsync(Path.Combine(daemon.Faces, "erin_evans", "next.jpg"), "the next photo of Erin sorts itself", Token);
    }

    private Task<TestDaemon> StartAsync() =>
        TestDaemon.StartAsync(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
            cfg["Immich"]!["AssignApprovals"] = true;
        }, Token);

    private static string Row(IReadOnlyList<FaceSorter.Storage.ReviewItem> rows, string name) =>
        rows.Single(row => row.FilePath.EndsWith(name, StringComparison.Ordinal)).FilePath;

    private static void MoveInto(TestDaemon daemon, string reviewPath, string person)
    {
        var folder = Path.Combine(daemon.Faces, person);
        Directory.CreateDirectory(folder);
        File.Move(reviewPath, Path.Combine(folder, Path.GetFileName(reviewPath)));
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
