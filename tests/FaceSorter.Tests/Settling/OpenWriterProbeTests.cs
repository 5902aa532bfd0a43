using FaceSorter.Settling;

namespace FaceSorter.Tests.Settling;

/// <summary>Reading a descriptor's open mode from its fdinfo text (proc(5): <c>flags:</c> in octal).</summary>
public sealed class OpenWriterProbeTests
{
    [Theory]
    [InlineData("0100001", true)]    // O_WRONLY | O_LARGEFILE: curl's download
    [InlineData("0102001", true)]    // O_WRONLY | O_APPEND | O_LARGEFILE: a shell's >>
    [InlineData("02100002", true)]   // O_RDWR | O_CLOEXEC | O_LARGEFILE: SQLite, aria2c
    [InlineData("0100000", false)]   // O_RDONLY | O_LARGEFILE: a reader
    [InlineData("012100000", false)] // O_PATH | O_CLOEXEC | O_LARGEFILE: no access at all
    public void A_descriptor_is_a_writer_when_its_access_mode_is_write_only_or_read_write(string octalFlags, bool writes)
    {
        string[] fdinfo = ["pos:\t0", $"flags:\t{octalFlags}", "mnt_id:\t29", "ino:\t1234"];

        OpenWriterProbe.OpensForWriting(fdinfo).Should().Be(writes);
    }

    [Fact]
    public void An_fdinfo_without_flags_is_not_a_writer()
    {
        OpenWriterProbe.OpensForWriting(["pos:\t0"]).Should().BeFalse();
    }

    [Fact]
    public void An_empty_snapshot_knows_no_writer()
    {
        OpenWriterSnapshot.Empty.WriterOf((8, 12)).Should().BeNull();
        OpenWriterSnapshot.Empty.Count.Should().Be(0);
    }
}
