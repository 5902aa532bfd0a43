using FaceSorter.IntegrationTests.Support;
using FaceSorter.Media;
using Microsoft.Extensions.Time.Testing;
using NetVips;

namespace FaceSorter.IntegrationTests.Media;

/// <summary>
/// Issue 13, memory: decoding real pictures leaves nothing resident once they are done. libvips kept
/// the operations of the last hundred decodes (their pixels) in its cache, and the C heap kept what
/// libvips' threads freed: 100 camera-sized pictures left the published daemon at 142 MB idle, now
/// 98 MB (the figure is the benchmark's, <c>memory --pictures 100</c>; a test asserts no timing or size
/// of its own process, which other tests share).
/// </summary>
public sealed class DecoderMemoryTests
{
    [Fact]
    public async Task Once_started_no_decode_stays_in_libvips_cache_and_the_heap_is_trimmed_until_stop()
    {
        var clock = new FakeTimeProvider();
        using var memory = new DecoderMemory(clock);
        await memory.StartAsync(TestContext.Current.CancellationToken);

        var decoder = new PictureDecoder(previewSize: 1440);
        foreach (var photo in RealPhotos.All())
        {
            decoder.Decode(photo).Should().NotBeNull();
        }

        Cache.Size.Should().Be(0, "each file is decoded once: a cached operation only holds the pixels of a picture already done");
        clock.Advance(DecoderMemory.TrimInterval * 3);
        memory.ExecuteTask!.IsFaulted.Should().BeFalse();
        await memory.StopAsync(TestContext.Current.CancellationToken);
        memory.ExecuteTask.Status.Should().Be(TaskStatus.RanToCompletion);
    }
}
