using FaceSorter.Immich;
using FaceSorter.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FaceSorter.Tests.Immich;

/// <summary>
/// The shared outage state: not checked until the first answer, down and up after that; an outage
/// is logged once however many workers fail in it, and retries back off 1 s, 2 s, 4 s … up to
/// <c>Immich:MaxRetryDelay</c>, all on a fake clock.
/// </summary>
public sealed class ImmichOutageTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger<ImmichOutage> _logger = new();

    private ImmichOutage NewOutage(TimeSpan? maxRetryDelay = null) =>
        new(_clock, Microsoft.Extensions.Options.Options.Create(new ImmichOptions { MaxRetryDelay = maxRetryDelay ?? TimeSpan.FromSeconds(30) }), _logger);

    private List<FakeLogRecord> Logged(int eventId) =>
        _logger.Collector.GetSnapshot().Where(record => record.Id.Id == eventId).ToList();

    [Fact]
    public void Nothing_is_claimed_before_Immich_was_asked_then_each_answer_sets_the_state()
    {
        var outage = NewOutage();
        outage.State.Should().Be(ImmichState.NotChecked);
        outage.IsDown.Should().BeFalse();

        outage.ReportSuccess();
        outage.State.Should().Be(ImmichState.Up);

        outage.ReportFailure("connection refused");
        outage.State.Should().Be(ImmichState.Down);
        outage.IsDown.Should().BeTrue();
        outage.Reason.Should().Be("connection refused");
        outage.DownSince.Should().Be(_clock.GetUtcNow());

        outage.ReportSuccess();
        outage.State.Should().Be(ImmichState.Up);
        outage.Reason.Should().BeNull();
        outage.DownSince.Should().BeNull();
    }

    [Fact]
    public async Task WhenDown_completes_at_once_while_down_and_otherwise_at_the_next_outages_start()
    {
        var outage = NewOutage();
        var first = outage.WhenDownAsync(TestContext.Current.CancellationToken);
        first.IsCompleted.Should().BeFalse("not checked is not down");

        outage.ReportFailure("connection refused");
        await first.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        outage.WhenDownAsync(TestContext.Current.CancellationToken).IsCompleted.Should().BeTrue("it is down now");

        outage.ReportSuccess();
        var next = outage.WhenDownAsync(TestContext.Current.CancellationToken);
        next.IsCompleted.Should().BeFalse("the last outage is over");
        using var cancelled = new CancellationTokenSource();
        var given = outage.WhenDownAsync(cancelled.Token);
        await cancelled.CancelAsync();
        await FluentActions.Awaiting(() => given).Should().ThrowAsync<OperationCanceledException>();

        outage.ReportFailure("connection refused again");
        await next.WaitAsync(Deadline, TestContext.Current.CancellationToken);
    }

    [Fact]
    public void A_first_answer_that_is_a_failure_goes_straight_from_not_checked_to_down()
    {
        var outage = NewOutage();

        outage.ReportFailure("503 Service Unavailable");

        outage.State.Should().Be(ImmichState.Down);
    }

    [Fact]
    public void A_new_reason_during_an_outage_is_logged_once_so_the_log_says_what_to_fix_now()
    {
        var outage = NewOutage();
        outage.ReportFailure("Immich at http://immich:2283 is unreachable (POST /api/assets): Connection refused");
        outage.ReportFailure("Immich at http://immich:2283 is unreachable (GET /api/server/version): Connection refused");

        outage.ReportFailure("HTTP 401 Unauthorized: Invalid API key");
        outage.ReportFailure("HTTP 401 Unauthorized: Invalid API key");

        Logged(2003).Should().ContainSingle().Which.Message.Should().Contain("Connection refused", "the same cause met by another request is no new reason");
        Logged(8791).Should().ContainSingle().Which.Message.Should().Contain("Invalid API key");
        outage.Reason.Should().Contain("Invalid API key");
    }

    [Fact]
    public void An_outage_is_logged_once_however_many_requests_fail_and_its_end_once_with_its_length()
    {
        var outage = NewOutage();
        var changes = new List<bool>();
        outage.Changed += (down, _) => changes.Add(down);

        for (var i = 0; i < 20; i++)
        {
            outage.ReportFailure($"attempt {i} refused");
            _clock.Advance(TimeSpan.FromSeconds(3));
        }

        outage.ReportSuccess();
        outage.ReportSuccess();

        var down = Logged(2003).Should().ContainSingle().Subject;
        down.Level.Should().Be(LogLevel.Warning);
        down.Message.Should().Contain("attempt 0 refused");
        var back = Logged(2004).Should().ContainSingle().Subject;
        back.Message.Should().Contain("1m00s");
        changes.Should().Equal(true, false);
    }

    [Fact]
    public void A_second_outage_is_logged_again()
    {
        var outage = NewOutage();

        outage.ReportFailure("first");
        outage.ReportSuccess();
        outage.ReportFailure("second");

        Logged(2003).Select(record => record.Message).Should().HaveCount(2).And.Satisfy(m => m.Contains("first"), m => m.Contains("second"));
        Logged(2004).Should().ContainSingle();
    }

    [Fact]
    public async Task While_up_there_is_no_wait_before_a_request()
    {
        var outage = NewOutage();
        outage.ReportSuccess();

        var wait = outage.WaitForRetryAsync(CancellationToken.None);

        wait.IsCompleted.Should().BeTrue();
        await wait;
    }

    [Fact]
    public async Task Retries_wait_one_second_then_double_up_to_MaxRetryDelay()
    {
        var outage = NewOutage(maxRetryDelay: TimeSpan.FromSeconds(5));

        outage.ReportFailure("down");
        foreach (var expected in new[] { 1, 2, 4, 5, 5 })
        {
            await WaitShouldLastAsync(outage, TimeSpan.FromSeconds(expected));
            outage.ReportFailure("still down");
        }
    }

    [Fact]
    public async Task Workers_failing_together_before_the_retry_is_due_do_not_push_the_backoff_further()
    {
        var outage = NewOutage();

        outage.ReportFailure("worker 1");
        outage.ReportFailure("worker 2");
        outage.ReportFailure("worker 3");

        await WaitShouldLastAsync(outage, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Coming_back_resets_the_backoff_to_one_second()
    {
        var outage = NewOutage();
        outage.ReportFailure("down");
        await WaitShouldLastAsync(outage, TimeSpan.FromSeconds(1));
        outage.ReportFailure("down");
        await WaitShouldLastAsync(outage, TimeSpan.FromSeconds(2));

        outage.ReportSuccess();
        outage.ReportFailure("down again");

        await WaitShouldLastAsync(outage, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_retry_wait_ends_at_cancellation()
    {
        var outage = NewOutage();
        outage.ReportFailure("down");
        using var stopping = new CancellationTokenSource();

        var wait = outage.WaitForRetryAsync(stopping.Token);
        wait.IsCompleted.Should().BeFalse();
        await stopping.CancelAsync();

        await FluentActions.Awaiting(() => wait.WaitAsync(Deadline)).Should().ThrowAsync<OperationCanceledException>();
    }

    /// <summary>The wait is still pending one tick before <paramref name="delay"/> and over at it.</summary>
    private async Task WaitShouldLastAsync(ImmichOutage outage, TimeSpan delay)
    {
        var wait = outage.WaitForRetryAsync(CancellationToken.None);
        _clock.Advance(delay - TimeSpan.FromTicks(1));
        wait.IsCompleted.Should().BeFalse($"the retry is due only after {delay}");
        _clock.Advance(TimeSpan.FromTicks(1));
        await wait.WaitAsync(Deadline, TestContext.Current.CancellationToken);
    }
}
