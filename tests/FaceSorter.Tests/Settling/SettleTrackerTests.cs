using FaceSorter.Settling;
using Microsoft.Extensions.Time.Testing;

namespace FaceSorter.Tests.Settling;

public sealed class SettleTrackerTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);
    private static readonly DateTime Mtime = new(2026, 11, 30, 6, 0, 0, DateTimeKind.Utc);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero));
    private readonly SettleTracker _tracker = new();

    private static DateTimeOffset DueAt(TrackedFile file) => file.LastChange + Quiet;

    [Fact]
    public void A_file_is_due_once_it_has_been_quiet_for_its_period()
    {
        _tracker.Observe("/in/a.jpg", 10, Mtime, _clock.GetUtcNow(), namedByEvent: true);

        _clock.Advance(Quiet - TimeSpan.FromMilliseconds(1));
        _tracker.Due(_clock.GetUtcNow(), DueAt).Should().BeEmpty();
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        _tracker.Due(_clock.GetUtcNow(), DueAt).Should().ContainSingle().Which.Path.Should().Be("/in/a.jpg");
    }

    [Fact]
    public void A_change_of_size_or_an_event_restarts_the_quiet_period_but_an_unchanged_scan_does_not()
    {
        var start = _clock.GetUtcNow();
        _tracker.Observe("/in/a.jpg", 10, Mtime, start, namedByEvent: false);
        _clock.Advance(TimeSpan.FromSeconds(1));
        _tracker.Observe("/in/a.jpg", 10, Mtime, _clock.GetUtcNow(), namedByEvent: false);
        _tracker.NextDue(DueAt).Should().Be(start + Quiet, "nothing changed");

        _tracker.Observe("/in/a.jpg", 20, Mtime, _clock.GetUtcNow(), namedByEvent: false);
        _tracker.NextDue(DueAt).Should().Be(_clock.GetUtcNow() + Quiet, "it grew");

        _clock.Advance(TimeSpan.FromSeconds(1));
        _tracker.Observe("/in/a.jpg", 20, Mtime, _clock.GetUtcNow(), namedByEvent: true);
        _tracker.NextDue(DueAt).Should().Be(_clock.GetUtcNow() + Quiet, "an event named it");
    }

    [Fact]
    public void A_scan_forgets_what_is_gone_and_the_next_due_is_the_earliest()
    {
        _tracker.Observe("/in/a.jpg", 1, Mtime, _clock.GetUtcNow(), namedByEvent: true);
        _clock.Advance(TimeSpan.FromSeconds(1));
        _tracker.Observe("/in/b.jpg", 1, Mtime, _clock.GetUtcNow(), namedByEvent: true);

        _tracker.Retain(new HashSet<string> { "/in/b.jpg" });

        _tracker.Count.Should().Be(1);
        _tracker.NextDue(DueAt).Should().Be(_clock.GetUtcNow() + Quiet);
        _tracker.AllDue(_clock.GetUtcNow(), DueAt).Should().BeFalse();
        _tracker.Forget("/in/b.jpg");
        _tracker.NextDue(DueAt).Should().BeNull();
        _tracker.AllDue(_clock.GetUtcNow(), DueAt).Should().BeTrue("nothing is left waiting");
    }

    [Fact]
    public void Only_a_file_first_seen_as_one_that_may_be_empty_keeps_that()
    {
        _tracker.Observe("/in/a.jpg.txt", 0, Mtime, _clock.GetUtcNow(), namedByEvent: true, mayBeEmpty: true);
        _tracker.Observe("/in/b.jpg", 0, Mtime, _clock.GetUtcNow(), namedByEvent: true);
        _clock.Advance(Quiet);

        _tracker.Due(_clock.GetUtcNow(), DueAt).Select(file => (file.Path, file.MayBeEmpty)).Should().BeEquivalentTo([("/in/a.jpg.txt", true), ("/in/b.jpg", false)]);
    }

    [Fact]
    public void A_tracker_is_full_at_its_capacity_and_has_room_again_once_half_of_it_is_free()
    {
        var tracker = new SettleTracker(capacity: 4);
        for (var i = 0; i < 4; i++)
        {
            tracker.Observe($"/in/{i}.jpg", 1, Mtime, _clock.GetUtcNow(), namedByEvent: false);
        }

        tracker.IsFull.Should().BeTrue();
        tracker.HasRoom.Should().BeFalse();
        tracker.Contains("/in/3.jpg").Should().BeTrue();

        tracker.Forget("/in/0.jpg");
        tracker.IsFull.Should().BeFalse("a scan may add one more");
        tracker.HasRoom.Should().BeFalse("a scan cut short is run again only when half the working set is free");
        tracker.Forget("/in/1.jpg");
        tracker.HasRoom.Should().BeTrue();
    }

    [Fact]
    public void An_event_adds_a_file_to_a_full_tracker()
    {
        var tracker = new SettleTracker(capacity: 1);
        tracker.Observe("/in/a.jpg", 1, Mtime, _clock.GetUtcNow(), namedByEvent: false);

        tracker.Observe("/in/b.jpg", 1, Mtime, _clock.GetUtcNow(), namedByEvent: true);

        tracker.Count.Should().Be(2, "only a scan stops at the capacity: the caller checks IsFull");
    }

    [Fact]
    public void A_capacity_of_zero_is_refused()
    {
        var create = () => new SettleTracker(capacity: 0);

        create.Should().Throw<ArgumentOutOfRangeException>();
    }
}
