using FaceSorter.Immich;

namespace FaceSorter.Tests.Immich;

public sealed class FormPartsTests
{
    [Fact]
    public async Task Parts_carry_quoted_names_and_file_names_as_RFC_7578_writes_them()
    {
        using var form = new MultipartFormDataContent("boundary");
        form.AddPart(new StringContent("facesorter"), "deviceId");
        form.AddPart(new ByteArrayContent([1, 2, 3]), "assetData", "photo.png");

        var body = await form.ReadAsStringAsync(TestContext.Current.CancellationToken);

        body.Should().Contain("Content-Disposition: form-data; name=\"deviceId\"\r\n")
            .And.Contain("Content-Disposition: form-data; name=\"assetData\"; filename=\"photo.png\"\r\n")
            .And.NotContain("filename*");
    }

    [Theory]
    [InlineData("line\nbreak.png")]
    [InlineData("quote\".png")]
    [InlineData("日本.png")]
    public void A_file_name_a_quoted_parameter_cannot_carry_is_refused(string fileName)
    {
        using var form = new MultipartFormDataContent();

        var act = () => form.AddPart(new ByteArrayContent([1]), "assetData", fileName);

        act.Should().Throw<ArgumentException>();
    }
}
