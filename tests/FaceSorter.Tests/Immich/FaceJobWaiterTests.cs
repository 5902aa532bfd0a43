using FaceSorter.Immich.Upload;

namespace FaceSorter.Tests.Immich;

/// <summary>How long Upload mode waits between reads of an asset's faces (<see cref="FaceJobWaiter.DelayAfter"/>).</summary>
public sealed class FaceJobWaiterTests
{
    [Theory]
    [InlineData(0, 50)]
    [InlineData(900, 50)]
    [InlineData(2_000, 100)]
    [InlineData(60_000, 3_000)]
    [InlineData(600_000, 5_000)]
    public void The_wait_between_polls_is_a_twentieth_of_the_time_waited_from_50_ms_to_5_s(int waitedMs, int expectedMs)
    {
        FaceJobWaiter.DelayAfter(TimeSpan.FromMilliseconds(waitedMs)).Should().Be(TimeSpan.FromMilliseconds(expectedMs));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(45)]
    public void Jobs_that_finish_after_some_seconds_are_seen_within_a_twentieth_of_that_or_50_ms(int jobSeconds)
    {
        var jobs = TimeSpan.FromSeconds(jobSeconds);
        var polled = TimeSpan.Zero;
        while (polled < jobs)
        {
            polled += FaceJobWaiter.DelayAfter(polled);
        }

        (polled - jobs).Should().BeLessThanOrEqualTo(TimeSpan.FromTicks(Math.Max(jobs.Ticks / 20, TimeSpan.FromMilliseconds(50).Ticks)));
    }

    [Fact]
    public void A_two_minute_wait_costs_about_120_polls()
    {
        var polled = TimeSpan.Zero;
        var polls = 1;
        while (polled < TimeSpan.FromMinutes(2))
        {
            polled += FaceJobWaiter.DelayAfter(polled);
            polls++;
        }

        polls.Should().BeInRange(100, 130, "frequent enough to see an answer soon after it is final, not so often that a busy Immich is hammered");
    }
}
