using System.Threading.Channels;
using FaceSorter.FollowUps;
using FaceSorter.Immich;
using FaceSorter.Review;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FaceSorter.Tests.FollowUps;

/// <summary>A failing or blocked round of follow-up work is logged and retried; it never ends the service (and so the host).</summary>
public sealed class FollowUpServiceTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Rounds_go_on_after_an_outage_and_after_a_failure()
    {
        var clock = new FakeTimeProvider();
        using var service = new ScriptedRounds(clock,
            () => throw new FaceServiceUnavailableException("Immich is down"),
            () => throw new IOException("the store is busy"),
            () => { });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await service.StartAsync(timeout.Token);

        for (var round = 1; round <= 3; round++)
        {
            (await NextRoundAsync(clock, service.Rounds, timeout.Token)).Should().Be(round);
        }

        service.ExecuteTask!.IsCompleted.Should().BeFalse("the service is still running");
        await service.StopAsync(timeout.Token);
    }

    /// <summary>
    /// Moves the fake clock on until a round has run: the service's timer is made on the thread pool
    /// a moment after StartAsync, so an advance before that would not reach it.
    /// </summary>
    private static async Task<int> NextRoundAsync(FakeTimeProvider clock, ChannelReader<int> rounds, CancellationToken cancellationToken)
    {
        int round;
        while (!rounds.TryRead(out round))
        {
            cancellationToken.ThrowIfCancellationRequested();
            clock.Advance(Period);
            await Task.Yield();
        }

        return round;
    }

    private sealed class ScriptedRounds(TimeProvider clock, params Action[] rounds) : FollowUpService(Period, clock, NullLogger.Instance)
    {
        private readonly Channel<int> _rounds = Channel.CreateUnbounded<int>();
        private int _count;

        public ChannelReader<int> Rounds => _rounds.Reader;

        protected override string What => "scripted rounds";

        protected override Task RunRoundAsync(CancellationToken cancellationToken)
        {
            var round = ++_count;
            try
            {
                rounds[Math.Min(round, rounds.Length) - 1]();
            }
            finally
            {
                _rounds.Writer.TryWrite(round);
            }

            return Task.CompletedTask;
        }
    }
}
