using System.Collections.Concurrent;
using FaceSorter.App.Hosting;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// The pipeline's channels are bounded and wait (docs/architecture.md): a producer that finds the
/// pipeline full is made to wait, and its file is taken once there is room, never dropped. Shown by
/// the state of the producer's <c>WriteAsync</c> task, not by timing: the real host is built but not
/// started, so nothing reads until the test starts it.
/// </summary>
public sealed class PipelineBackPressureTests : IDisposable
{
    private const int Capacity = 2;

    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    private CancellationToken Token => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_full_pipeline_makes_the_producer_wait_and_takes_its_file_once_there_is_room()
    {
        var configPath = TestConfig.Write(_folder.Path, cfg => cfg["PipelineCapacity"] = Capacity);
        using var host = FaceSorterHost.Build(configPath, FaceSorterVerb.Run, quiet: true);
        var pipeline = host.Services.GetRequiredService<SortingPipeline>();
        var released = new ConcurrentBag<string>();
        host.Services.GetRequiredService<InboxLedger>().Released += released.Add;
        // Files that are gone by the time they are read: each is let go as soon as a worker takes it.
        var files = Enumerable.Range(0, Capacity + 1).Select(i => new InboxFile(_folder.Combine($"gone-{i}.jpg"), null, 1, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc))).ToList();

        var accepted = files.Take(Capacity).Select(file => pipeline.Inbox.WriteAsync(file, Token).AsTask()).ToList();
        var waiting = pipeline.Inbox.WriteAsync(files[^1], Token).AsTask();

        accepted.Should().OnlyContain(write => write.IsCompletedSuccessfully, "there is room for PipelineCapacity files");
        waiting.IsCompleted.Should().BeFalse("the pipeline is full and nothing reads it yet: the producer waits, the file is not dropped");
        pipeline.Inbox.TryWrite(files[^1]).Should().BeFalse();

        await host.StartAsync(Token);
        try
        {
            await waiting.WaitAsync(TimeSpan.FromSeconds(20), Token);
            await Eventually.UntilAsync(() => released.Count == files.Count, TimeSpan.FromSeconds(20), "every file handed in was taken", Token);
            released.Should().BeEquivalentTo(files.Select(file => file.Path));
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StopAsync(stopping.Token);
        }
    }
}
