using FaceSorter.Watching;

namespace FaceSorter.Tests.Watching;

public sealed class PathHintsTests
{
    private readonly PathHints _hints = new();

    [Fact]
    public void Hints_are_taken_once_each_with_one_rescan_flag()
    {
        _hints.Add("/in/a.jpg");
        _hints.Add("/in/a.jpg");
        _hints.RequestRescan();
        _hints.RequestRescan();

        var (paths, rescan) = _hints.Drain();

        paths.Should().Equal("/in/a.jpg");
        rescan.Should().BeTrue();
        _hints.Drain().Should().Match<(IReadOnlyList<string> Paths, bool Rescan)>(next => next.Paths.Count == 0 && !next.Rescan);
    }

    [Fact]
    public async Task Drained_hints_leave_no_wake_up_behind_and_a_new_hint_wakes_again()
    {
        _hints.Add("/in/a.jpg");
        _hints.RequestRescan();
        _hints.Drain();

        var wait = _hints.WaitAsync(TestContext.Current.CancellationToken);
        wait.IsCompleted.Should().BeFalse("everything signalled was taken");

        _hints.Add("/in/b.jpg");
        await wait.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }
}
