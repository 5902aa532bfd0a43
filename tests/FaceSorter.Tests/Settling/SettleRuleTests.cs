using FaceSorter.Settling;
using Microsoft.Extensions.Time.Testing;

namespace FaceSorter.Tests.Settling;

public sealed class SettleRuleTests
{
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan EmptyTimeout = TimeSpan.FromMinutes(10);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly SettleRule _rule = new(SettleTime, EmptyTimeout);
    private readonly DateTime _mtime = new(2026, 11, 25, 11, 0, 0, DateTimeKind.Utc);

    private TrackedFile Seen(long length, TrackedFile? known = null, bool evented = false, DateTime? mtime = null) =>
        SettleRule.Observe(known, "/in/a.jpg", length, mtime ?? _mtime, _clock.GetUtcNow(), evented);

    private SettleVerdict Evaluate(TrackedFile file, bool companion = false, bool writing = false) =>
        _rule.Evaluate(file, _clock.GetUtcNow(), companion, writing);

    [Fact]
    public void A_file_is_ready_once_quiet_for_the_settle_time()
    {
        var file = Seen(1000);
        _clock.Advance(SettleTime - TimeSpan.FromMilliseconds(1));
        Evaluate(file).Should().Be(SettleVerdict.Wait);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Evaluate(file).Should().Be(SettleVerdict.Ready);
    }

    [Fact]
    public void Growth_restarts_the_quiet_period()
    {
        var file = Seen(1000);
        _clock.Advance(TimeSpan.FromSeconds(1.5));
        file = Seen(2000, file);
        _clock.Advance(TimeSpan.FromSeconds(1.5));

        Evaluate(file).Should().Be(SettleVerdict.Wait);
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        Evaluate(file).Should().Be(SettleVerdict.Ready);
    }

    [Fact]
    public void A_watcher_event_restarts_the_quiet_period_even_without_a_visible_change()
    {
        // aria2c preallocates: the size is full from the start and only events and mtime move.
        var file = Seen(1000);
        _clock.Advance(TimeSpan.FromSeconds(1.9));
        file = Seen(1000, file, evented: true);
        _clock.Advance(TimeSpan.FromSeconds(1.9));

        Evaluate(file).Should().Be(SettleVerdict.Wait);
    }

    [Fact]
    public void An_mtime_set_backwards_counts_as_a_change()
    {
        // wget sets mtime back to the server's Last-Modified after the download.
        var file = Seen(1000);
        _clock.Advance(TimeSpan.FromSeconds(1.9));
        file = Seen(1000, file, mtime: _mtime.AddYears(-3));

        file.LastChange.Should().Be(_clock.GetUtcNow());
    }

    [Fact]
    public void A_file_a_scan_finds_where_mtime_can_be_trusted_has_been_quiet_since_its_mtime()
    {
        var found = SettleRule.Observe(null, "/in/a.jpg", 1000, _mtime, _clock.GetUtcNow(), namedByEvent: false, quietSinceLastWrite: true);

        found.LastChange.Should().Be(new DateTimeOffset(_mtime, TimeSpan.Zero));
        Evaluate(found).Should().Be(SettleVerdict.Ready, "its last write was an hour ago");
        Evaluate(found, writing: true).Should().Be(SettleVerdict.Wait, "a writer that stalled before the scan still holds it");
    }

    [Fact]
    public void A_file_written_moments_ago_found_by_a_scan_waits_out_the_rest_of_the_settle_time()
    {
        var mtime = _clock.GetUtcNow().UtcDateTime - TimeSpan.FromSeconds(1.5);
        var found = SettleRule.Observe(null, "/in/a.jpg", 1000, mtime, _clock.GetUtcNow(), namedByEvent: false, quietSinceLastWrite: true);
        Evaluate(found).Should().Be(SettleVerdict.Wait);

        _clock.Advance(TimeSpan.FromSeconds(0.5));
        Evaluate(found).Should().Be(SettleVerdict.Ready);
    }

    [Theory]
    [InlineData(false, true, 0)]      // mtime not trusted (network share, blind writer check)
    [InlineData(true, true, 0)]       // named by an event: something happened to it just now
    [InlineData(true, false, 3600)]   // an mtime in the future (clock set back) counts from now
    public void Otherwise_the_quiet_period_counts_from_the_first_look(bool trusted, bool namedByEvent, int mtimeAheadSeconds)
    {
        var mtime = mtimeAheadSeconds == 0 ? _mtime : _clock.GetUtcNow().UtcDateTime.AddSeconds(mtimeAheadSeconds);
        var found = SettleRule.Observe(null, "/in/a.jpg", 1000, mtime, _clock.GetUtcNow(), namedByEvent, quietSinceLastWrite: trusted);

        found.LastChange.Should().Be(_clock.GetUtcNow());
        Evaluate(found).Should().Be(SettleVerdict.Wait);
    }

    [Fact]
    public void A_stalled_download_still_open_for_writing_is_never_ready()
    {
        // curl --limit-rate stalls for about 5 s mid-download while holding the file open.
        var file = Seen(10_000_000);
        _clock.Advance(TimeSpan.FromSeconds(30));

        Evaluate(file, writing: true).Should().Be(SettleVerdict.Wait);
        Evaluate(file, writing: false).Should().Be(SettleVerdict.Ready);
    }

    [Fact]
    public void A_companion_file_keeps_the_file_waiting()
    {
        var file = Seen(20_971_520);
        _clock.Advance(TimeSpan.FromMinutes(1));

        Evaluate(file, companion: true).Should().Be(SettleVerdict.Wait);
    }

    [Fact]
    public void An_empty_file_waits_and_becomes_invalid_after_the_empty_timeout()
    {
        // Firefox's 0-byte placeholder sits under the final name until the .part is renamed over it.
        var file = Seen(0, mtime: _clock.GetUtcNow().UtcDateTime);
        _clock.Advance(EmptyTimeout - TimeSpan.FromSeconds(1));
        Evaluate(file).Should().Be(SettleVerdict.Wait);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Evaluate(file).Should().Be(SettleVerdict.EmptyTooLong);
    }

    [Fact]
    public void An_empty_file_found_at_start_waits_out_the_empty_timeout_from_its_last_write_not_from_the_start()
    {
        // Empty since 10:00, first seen by this start at 12:00 (the daemon was restarted meanwhile).
        var file = Seen(0, mtime: _clock.GetUtcNow().UtcDateTime - TimeSpan.FromHours(2));

        Evaluate(file).Should().Be(SettleVerdict.EmptyTooLong, "it has been empty for two hours, longer than the timeout");
        Seen(0, mtime: _clock.GetUtcNow().UtcDateTime - EmptyTimeout + TimeSpan.FromSeconds(1)).Should().Match<TrackedFile>(
            young => _rule.DueAt(young) == _clock.GetUtcNow() + TimeSpan.FromSeconds(1), "it is due once empty for the timeout since its last write");
        Seen(0, mtime: _clock.GetUtcNow().UtcDateTime + TimeSpan.FromHours(1)).Should().Match<TrackedFile>(
            skewed => _rule.DueAt(skewed) == _clock.GetUtcNow() + EmptyTimeout, "an mtime in the future (clock skew) counts from now");
    }

    [Fact]
    public void The_due_time_is_the_end_of_the_quiet_period()
    {
        var file = Seen(5);
        _rule.DueAt(file).Should().Be(_clock.GetUtcNow() + SettleTime);
    }

    [Theory]
    // activity,           probe sees all, open by probe, quiet for (s), expected
    [InlineData(WriteState.Writing, true, false, 60, SettleVerdict.Wait)]   // inotify: written, not closed
    [InlineData(WriteState.Writing, false, false, 60, SettleVerdict.Wait)]  // ... whatever the probe can see
    [InlineData(WriteState.Closed, false, false, 2, SettleVerdict.Ready)]   // closed after write: SettleTime is enough
    [InlineData(WriteState.Closed, false, true, 60, SettleVerdict.Wait)]    // the probe still sees a writer
    [InlineData(WriteState.Unknown, true, false, 2, SettleVerdict.Ready)]   // no events, but the probe sees every user
    [InlineData(WriteState.Unknown, false, false, 2, SettleVerdict.Wait)]   // blind and no events: the longer quiet period
    [InlineData(WriteState.Unknown, false, false, 9, SettleVerdict.Wait)]
    [InlineData(WriteState.Unknown, false, false, 10, SettleVerdict.Ready)]
    public void Who_may_still_be_writing_decides_how_long_a_file_must_be_quiet(WriteState activity, bool probeSeesAll, bool openByProbe, int quietSeconds, SettleVerdict expected)
    {
        var rule = new SettleRule(SettleTime, EmptyTimeout, TimeSpan.FromSeconds(10));
        var file = Seen(4096);
        _clock.Advance(TimeSpan.FromSeconds(quietSeconds));

        rule.Evaluate(file, _clock.GetUtcNow(), new WriterSignals(false, openByProbe, activity, probeSeesAll)).Should().Be(expected);
    }

    [Fact]
    public void An_empty_file_being_written_never_expires()
    {
        var rule = new SettleRule(SettleTime, EmptyTimeout, TimeSpan.FromSeconds(10));
        var file = Seen(0);
        _clock.Advance(EmptyTimeout * 2);

        rule.Evaluate(file, _clock.GetUtcNow(), new WriterSignals(false, false, WriteState.Writing, ProbeSeesAll: false)).Should().Be(SettleVerdict.Wait);
    }

    [Fact]
    public void A_file_no_check_can_vouch_for_is_due_after_the_blind_settle_time()
    {
        var rule = new SettleRule(SettleTime, EmptyTimeout, TimeSpan.FromSeconds(10));
        var file = Seen(5);
        var blind = rule.QuietPeriod(new WriterSignals(false, false, WriteState.Unknown, ProbeSeesAll: false));

        rule.DueAt(file, blind).Should().Be(_clock.GetUtcNow() + TimeSpan.FromSeconds(10));
        rule.QuietPeriod(new WriterSignals(false, false, WriteState.Closed, ProbeSeesAll: false)).Should().Be(SettleTime);
    }

    [Fact]
    public void The_blind_settle_time_is_never_shorter_than_the_settle_time() =>
        new SettleRule(TimeSpan.FromSeconds(5), EmptyTimeout, TimeSpan.FromSeconds(1)).BlindSettleTime.Should().Be(TimeSpan.FromSeconds(5));

    [Theory]
    [InlineData("photo.jpg.part", true)]
    [InlineData("photo.jpg.crdownload", true)]
    [InlineData("Unconfirmed 123456.crdownload", true)]
    [InlineData("file20m.jpg.aria2", true)]
    [InlineData("file20m.jpg.aria2__temp", true)]
    [InlineData("x.tmp", true)]
    [InlineData(".big2.jpg.0k9aGn", true)]
    [InlineData(".hidden.jpg", true)]
    [InlineData("photo.jpg", false)]
    [InlineData("partner.jpg", false)]
    public void Temporary_download_names_are_recognised(string name, bool temporary) =>
        DownloadNames.IsTemporary(name).Should().Be(temporary);

    [Fact]
    public void Companions_are_the_aria2_part_crdownload_and_ytdl_files_beside_it() =>
        DownloadNames.CompanionsOf("/in/a.jpg").Should().BeEquivalentTo(["/in/a.jpg.aria2", "/in/a.jpg.part", "/in/a.jpg.crdownload", "/in/a.jpg.ytdl"]);

    [Fact]
    public void Each_companion_name_leads_back_to_its_file_and_other_names_to_none()
    {
        DownloadNames.CompanionsOf("a.jpg").Select(companion => DownloadNames.CompanionOwnerOf(companion).ToString()).Should().AllBe("a.jpg");
        DownloadNames.CompanionOwnerOf("a.jpg").IsEmpty.Should().BeTrue();
        DownloadNames.CompanionOwnerOf(".part").IsEmpty.Should().BeTrue("a name that is only the ending belongs to no file");
        DownloadNames.CompanionOwnerOf("a.jpg.PART").IsEmpty.Should().BeTrue("names are compared as the file system does, case and all");
    }

    [Fact]
    public void An_empty_sidecar_is_finished_after_the_quiet_period_like_any_file()
    {
        var file = Seen(0) with { MayBeEmpty = true };
        _clock.Advance(SettleTime);
        Evaluate(file).Should().Be(SettleVerdict.Ready);
        _rule.DueAt(file).Should().Be(file.LastChange + SettleTime);
    }
}
