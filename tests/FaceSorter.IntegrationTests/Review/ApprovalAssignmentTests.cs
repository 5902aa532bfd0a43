using System.Security.Cryptography;
using FaceSorter.IntegrationTests.Support;

namespace FaceSorter.IntegrationTests.Review;

/// <summary>
/// <c>Immich:AssignApprovals</c> in the real daemon: an approval in the file manager is told to the
/// emulated Immich by assigning the asset's own face to the person (found by name, or created).
/// </summary>
public sealed class ApprovalAssignmentTests : EmulatedImmichTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Approvals_are_assigned_to_an_existing_person_by_name_or_to_a_new_one()
    {
        var known = TestImages.Jpeg(801);
        var stranger = TestImages.Jpeg(802);
        var alicePhoto = TestImages.Jpeg(803);
        Immich.SetFaces(Sha256(alicePhoto), EmulatedFace.Named("Alice Smith"));
        Immich.SetFaces(Sha256(known), EmulatedFace.InUnnamedPerson());
        Immich.SetFaces(Sha256(stranger), EmulatedFace.WithoutPerson());
        await using var daemon = await TestDaemon.StartAsync(Folder.Path, cfg =>
        {
            cfg["Immich"]!["Url"] = Immich.Url;
            cfg["Immich"]!["ApiKey"] = Immich.ApiKey;
            cfg["Immich"]!["AssignApprovals"] = true;
        }, Token);
        TestImages.Write(daemon.Inbox, "alice.jpg", alicePhoto);
        TestImages.Write(daemon.Inbox, "known.jpg", known);
        TestImages.Write(daemon.Inbox, "stranger.jpg", stranger);
        var rows = await daemon.ReviewRowsAsync(2, Token);

        // In the file manager: one is Alice Smith (already in Immich), the other someone Immich has never named.
        MoveInto(daemon, rows.Single(row => row.FilePath.EndsWith("unknown_known.jpg", StringComparison.Ordinal)).FilePath, "alice_smith");
        MoveInto(daemon, rows.Single(row => row.FilePath.EndsWith("unknown_stranger.jpg", StringComparison.Ordinal)).FilePath, "zoe");

        await Eventually.UntilAsync(() => Immich.Reassignments.Count == 2, Deadline, "both approvals told to Immich", Token);
        Immich.Reassignments.Select(assignment => assignment.Person).Should().BeEquivalentTo(["alice_smith", "zoe"]);
        Immich.CountRequests("POST", "/api/people").Should().Be(1, "Alice Smith was found by name; only Zoe was created");
        Immich.Uploads.Should().HaveCount(3, "the approved files were found by checksum, not uploaded again");
    }

    private static void MoveInto(TestDaemon daemon, string reviewPath, string person)
    {
        var folder = Path.Combine(daemon.Faces, person);
        Directory.CreateDirectory(folder);
        File.Move(reviewPath, Path.Combine(folder, Path.GetFileName(reviewPath)));
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
