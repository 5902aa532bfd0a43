using FaceSorter.Options;
using FaceSorter.Watching;

namespace FaceSorter.Tests.Watching;

public sealed class FilesystemTypeTests
{
    [Theory]
    [InlineData(0x6969L, "nfs")]
    [InlineData(0x517BL, "smb")]
    [InlineData(0xFF534D42L, "cifs")]
    [InlineData(0xFE534D42L, "smb2")]
    [InlineData(0x65735546L, "fuse (sshfs, rclone, virtiofs, …)")]
    [InlineData(0x01021997L, "9p")]
    [InlineData(0x00C36400L, "ceph")]
    [InlineData(0x5346414FL, "afs")]
    public void Network_and_fuse_filesystems_do_not_report_other_machines_writes(long magic, string name)
    {
        var type = FilesystemType.FromMagic(magic);
        type.Name.Should().Be(name);
        type.EventsReliable.Should().BeFalse();
    }

    [Theory]
    [InlineData(0xEF53L, "ext2/ext3/ext4")]
    [InlineData(0x01021994L, "tmpfs")]
    [InlineData(0x58465342L, "xfs")]
    [InlineData(0x9123683EL, "btrfs")]
    public void Local_filesystems_report_every_change(long magic, string name)
    {
        var type = FilesystemType.FromMagic(magic);
        type.Name.Should().Be(name);
        type.EventsReliable.Should().BeTrue();
    }

    [Fact]
    public void An_unknown_type_is_named_by_its_number_and_counted_as_local()
    {
        var type = FilesystemType.FromMagic(0x12345678);
        type.Name.Should().Be("unknown (0x12345678)");
        type.EventsReliable.Should().BeTrue();
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("02:00:00")]
    public void A_poll_interval_out_of_range_is_refused_naming_the_key(string interval)
    {
        var result = new SortingOptionsValidator().Validate(null, new SortingOptions { PollInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) });
        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain("FaceSorter:PollInterval").And.Contain("00:00:05");
    }

    [Fact]
    public void An_unknown_watching_mode_is_refused_naming_the_key()
    {
        var result = new SortingOptionsValidator().Validate(null, new SortingOptions { Watching = (WatchingMode)7 });
        result.FailureMessage.Should().Contain("FaceSorter:Watching").And.Contain("Auto");
    }
}
