using FaceSorter.Pipeline;

namespace FaceSorter.Tests.Pipeline;

/// <summary>
/// The ledger's files set aside for Immich during an outage: not handed in again while unchanged, handed
/// in again when changed or released, forgotten when gone, and never more remembered than the working set.
/// </summary>
public sealed class InboxLedgerTests
{
    private static readonly DateTime Written = new(2026, 12, 1, 1, 0, 0, DateTimeKind.Utc);

    private static InboxFile File(string name, long length = 10) => new($"/in/{name}", "", length, Written);

    [Fact]
    public void A_file_set_aside_for_Immich_is_not_started_again_until_it_changes_or_is_released()
    {
        var ledger = new InboxLedger();
        var released = 0;
        ledger.WaitingForImmichReleased += () => released++;
        var file = File("a.jpg");
        ledger.TryStart(file).Should().BeTrue();

        ledger.WaitForImmich(file, "h1").Should().BeTrue("there is room to remember it");
        ledger.IsInFlight(file.Path).Should().BeFalse("it left the pipeline");
        ledger.WaitingForImmichCount.Should().Be(1);
        ledger.IsSetAsideUnchanged(file.Path, file.Length, file.LastWriteUtc).Should().BeTrue();
        ledger.TryStart(file).Should().BeFalse("unchanged, it waits for Immich");

        var grown = file with { Length = 20 };
        ledger.IsSetAsideUnchanged(grown.Path, grown.Length, grown.LastWriteUtc).Should().BeFalse();
        ledger.TryStart(grown).Should().BeTrue("a changed file is a new try");
        ledger.WaitingForImmichCount.Should().Be(0);

        ledger.WaitForImmich(grown, "h2");
        ledger.ReleaseWaitingForImmich().Should().Be(1);
        released.Should().Be(1, "the monitor scans for the released files");
        ledger.TryStart(grown).Should().BeTrue("released");
    }

    [Fact]
    public void Files_set_aside_beyond_the_working_set_are_not_remembered_and_gone_ones_are_forgotten()
    {
        var ledger = new InboxLedger();
        for (var i = 0; i < InboxLedger.MaxWaitingForImmich; i++)
        {
            var file = File($"{i}.jpg");
            ledger.TryStart(file);
            ledger.WaitForImmich(file, $"h{i}").Should().BeTrue();
        }

        var beyond = File("beyond.jpg");
        ledger.TryStart(beyond).Should().BeTrue();
        ledger.WaitForImmich(beyond, "hb").Should().BeFalse("the scan after the release finds it instead");
        ledger.IsInFlight(beyond.Path).Should().BeFalse();
        ledger.WaitingForImmichCount.Should().Be(InboxLedger.MaxWaitingForImmich);
        ledger.SetAsideCount.Should().Be(InboxLedger.MaxWaitingForImmich + 1, "it still waits in the drop folder");

        var gone = new List<(string, string)>();
        ledger.WaitingForImmichGone += (path, hash) => gone.Add((path, hash));
        ledger.ForgetWaitingForImmich(File("0.jpg").Path);
        gone.Should().Equal([(File("0.jpg").Path, "h0")], "its claim is given up");
        ledger.RetainWaitingForImmich(new HashSet<string> { File("1.jpg").Path, File("2.jpg").Path });
        ledger.WaitingForImmichCount.Should().Be(2);
        gone.Should().HaveCount(InboxLedger.MaxWaitingForImmich - 2, "each one gone is told");
        ledger.IsWaitingForImmich(File("1.jpg").Path).Should().BeTrue();

        ledger.ReleaseWaitingForImmich();
        ledger.SetAsideCount.Should().Be(0);
    }
}
