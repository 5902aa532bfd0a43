using FaceSorter.Hashing;

namespace FaceSorter.Tests.Hashing;

public sealed class ImageSnifferTests
{
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 }, "jpeg")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "png")]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a' }, "gif")]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 1, 2, 3, 4, (byte)'W', (byte)'E', (byte)'B', (byte)'P' }, "webp")]
    [InlineData(new byte[] { 0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'h', (byte)'e', (byte)'i', (byte)'c' }, "heif")]
    [InlineData(new byte[] { (byte)'I', (byte)'I', (byte)'*', 0 }, "tiff")]
    public void Images_are_recognised_by_their_leading_bytes(byte[] header, string kind) =>
        ImageSniffer.Kind(header).Should().Be(kind);

    [Theory]
    [InlineData(new byte[] { (byte)'<', (byte)'h', (byte)'t', (byte)'m', (byte)'l', (byte)'>' })]
    [InlineData(new byte[] { (byte)'%', (byte)'P', (byte)'D', (byte)'F' })]
    [InlineData(new byte[] { 0xC3, 0xBF })]
    [InlineData(new byte[] { })]
    public void Other_content_is_not_an_image_whatever_its_name(byte[] header) =>
        ImageSniffer.Kind(header).Should().BeNull();
}
