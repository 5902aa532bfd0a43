using System.Security.Cryptography;
using FaceSorter.Hashing;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Media;
using FluentAssertions;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// The one read of a file (<see cref="Hasher.DigestAsync"/>) on real files: the SHA-256 of every byte and
/// the media type of its leading bytes, the same as sniffing the file on its own would give.
/// </summary>
public sealed class HasherTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Hasher _hasher = new();

    public static TheoryData<string, int> Files => new()
    {
        { "photo.jpg", 2048 },
        { "big.jpg", (3 * 1024 * 1024) + 17 }, // more than one 1 MiB read
        { "image.png", 100 }, // shorter than the sniffed head
        { "image.webp", MediaTypes.HeadLength },
        { "notes.txt", 5000 },
        { "empty.jpg", 0 },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task A_digest_is_the_hash_of_every_byte_and_the_type_sniffing_the_file_gives(string name, int size)
    {
        var content = size == 0 ? [] : Path.GetExtension(name) switch
        {
            ".jpg" => TestImages.Jpeg(7, size),
            ".png" => TestImages.Png(7, size),
            ".webp" => TestImages.WebP(7, size),
            _ => Enumerable.Repeat((byte)'a', size).ToArray(),
        };
        var path = TestImages.Write(_folder.Path, name, content);
        var info = new FileInfo(path);

        var digest = await _hasher.DigestAsync(path, info.Length, info.LastWriteTimeUtc, TestContext.Current.CancellationToken);

        digest.Should().NotBeNull();
        digest!.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(content)));
        digest.Type.Should().Be(size == 0 ? null : MediaTypes.SniffFile(path));
        ImageSniffer.WhyNotAnImage(info.Length, digest.Type).Should().Be(ImageSniffer.WhyNotAnImage(path, info.Length));
    }

    [Fact]
    public async Task A_file_that_is_no_longer_as_it_was_observed_has_no_digest()
    {
        var path = TestImages.Write(_folder.Path, "grown.jpg", TestImages.Jpeg(3, 4096));
        var (length, lastWrite) = (new FileInfo(path).Length, File.GetLastWriteTimeUtc(path));
        await File.AppendAllTextAsync(path, "more", TestContext.Current.CancellationToken);

        var digest = await _hasher.DigestAsync(path, length, lastWrite, TestContext.Current.CancellationToken);

        digest.Should().BeNull();
    }

    [Fact]
    public async Task A_file_that_is_gone_throws_file_not_found()
    {
        var act = () => _hasher.DigestAsync(_folder.Combine("gone.jpg"), 10, DateTime.UnixEpoch, TestContext.Current.CancellationToken);

        await act.Should().ThrowAsync<FileNotFoundException>();
    }

    public void Dispose() => _folder.Dispose();
}
