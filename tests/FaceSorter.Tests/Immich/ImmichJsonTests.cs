using System.Text.Json;
using FaceSorter.Immich.Api;

namespace FaceSorter.Tests.Immich;

/// <summary>
/// Immich's JSON is read and written with code generated at build time (<see cref="ImmichJson"/>). A type
/// left out of it fails only at run time, and the client reports that as an answer that is not the
/// expected JSON, which reads as an Immich outage: every request and answer type must be listed.
/// </summary>
public sealed class ImmichJsonTests
{
    public static TheoryData<Type> ApiTypes() =>
        [.. typeof(ImmichJson).Assembly.GetTypes()
            .Where(type => type.Namespace == typeof(ImmichJson).Namespace && (type.Name.EndsWith("Dto", StringComparison.Ordinal) || type.Name.EndsWith("Request", StringComparison.Ordinal)))];

    [Theory]
    [MemberData(nameof(ApiTypes))]
    public void Every_request_and_answer_type_has_generated_json_code(Type type) =>
        ImmichJson.Default.GetTypeInfo(type).Should().NotBeNull($"{type.Name} is read or written by the Immich client");

    [Fact]
    public void Answers_are_read_camel_case_or_not_and_requests_written_camel_case_as_immich_does()
    {
        var version = JsonSerializer.Deserialize("""{"Major":2,"minor":7,"patch":5}""", ImmichJson.Default.ImmichVersionDto)!;
        (version.Major, version.Minor, version.Patch).Should().Be((2, 7, 5));

        JsonSerializer.Serialize(new DeleteAssetsRequest(["a"], Force: true), ImmichJson.Default.DeleteAssetsRequest)
            .Should().Be("""{"ids":["a"],"force":true}""");
        JsonSerializer.Serialize(new BulkUploadCheckRequest([new BulkUploadCheckItem("ab", "ab")]), ImmichJson.Default.BulkUploadCheckRequest)
            .Should().Be("""{"assets":[{"id":"ab","checksum":"ab"}]}""");
    }

    [Fact]
    public void An_answer_without_a_required_member_is_refused()
    {
        var read = () => JsonSerializer.Deserialize("""{"minor":7,"patch":5}""", ImmichJson.Default.ImmichVersionDto);
        read.Should().Throw<JsonException>().WithMessage("*major*");
    }
}
