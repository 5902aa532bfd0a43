using System.Numerics;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Media;
using FaceSorter.NearDuplicates;
using NetVips;

namespace FaceSorter.IntegrationTests.NearDuplicates;

/// <summary>Issue 14, part 1: one decode serves the fingerprint, the ML preview and the review thumbnail, and its fingerprints match those made straight from the file.</summary>
public sealed class SharedDecodeTests(ITestOutputHelper output)
{
    [Fact]
    public void Fingerprints_made_through_the_ML_preview_are_within_two_bits_of_those_made_straight_from_the_file()
    {
        using var folder = new TempFolder();
        var direct = new PictureDecoder(previewSize: null);
        var throughPreview = new PictureDecoder(previewSize: 1440);
        var distances = new List<(string File, int Distance, int Legacy)>();
        foreach (var photo in RealPhotos.All())
        {
            foreach (var path in NearCopies.CopiesOf(photo, folder.Path).Select(copy => copy.Path).Prepend(photo))
            {
                var plain = Fingerprinter.Of(direct.Decode(path))!.Value.Hash;
                var viaPreview = Fingerprinter.Of(throughPreview.Decode(path))!.Value.Hash;
                using var small = Image.Thumbnail(path, 32, height: 32, size: Enums.Size.Force);
                var legacy = PerceptualHash.Compute(PictureDecoder.GrayOf(small))!.Value;
                distances.Add((Path.GetFileName(path), BitOperations.PopCount(plain ^ viaPreview), BitOperations.PopCount(plain ^ legacy)));
            }
        }

        foreach (var (file, distance, legacy) in distances)
        {
            output.WriteLine($"{file}: through the preview {distance}, legacy 32x32 decode {legacy}");
        }

        output.WriteLine($"{distances.Count} files: through the preview max {distances.Max(d => d.Distance)}, mean {distances.Average(d => d.Distance):0.00}; legacy max {distances.Max(d => d.Legacy)}, mean {distances.Average(d => d.Legacy):0.00}");
        distances.Should().OnlyContain(d => d.Distance <= 2);
    }
}
