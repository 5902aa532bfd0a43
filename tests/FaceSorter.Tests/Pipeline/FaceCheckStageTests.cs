using FaceSorter.Decisions;
using FaceSorter.Immich;
using FaceSorter.Pipeline.Stages;
using FaceSorter.Tests.Support;

namespace FaceSorter.Tests.Pipeline;

public sealed class FaceCheckStageTests
{
    [Fact]
    public void Faces_found_become_the_decision_inputs_and_the_note_stays_out_of_them()
    {
        var faces = new[] { Some.Face("Alice", 0.9), Some.Face(null, null) };

        var input = FaceCheckStage.InputOf(new FaceCheck.Analyzed(faces, AssetId: "a1", Note: "face jobs still running after 2 min"));

        input.Should().BeEquivalentTo(new DecisionInput(null, null, faces));
    }

    [Fact]
    public void A_file_the_service_cannot_decode_is_invalid_with_its_reason()
    {
        var input = FaceCheckStage.InputOf(new FaceCheck.Unreadable("corrupt JPEG data"));

        input.InvalidReason.Should().Be("Immich cannot read it: corrupt JPEG data");
        input.Faces.Should().BeEmpty();
    }

    [Fact]
    public void A_type_the_service_does_not_take_is_invalid_with_the_services_reason_as_it_is()
    {
        var input = FaceCheckStage.InputOf(new FaceCheck.NotAccepted("a video (MachineLearning mode reads images only)"));

        input.InvalidReason.Should().Be("a video (MachineLearning mode reads images only)");
    }
}
