using FaceSorter.IntegrationTests.Support;
using FaceSorter.Settling;
using FaceSorter.Watching;

namespace FaceSorter.IntegrationTests.Pipeline;

/// <summary>
/// One <see cref="OpenWriterProbe.Snapshot"/> against real processes holding real files: files are
/// known by device and inode, whatever path reaches them (docs/linux-facts.md, "Open files are
/// matched by identity").
/// </summary>
public sealed class OpenWriterProbeTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));
    private readonly OpenWriterProbe _probe = new();

    public void Dispose()
    {
        _timeout.Dispose();
        _folder.Dispose();
    }

    private static (ulong Device, ulong Inode) IdentityOf(string path) =>
        FileIdentity.OfFile(path) ?? throw new InvalidOperationException($"{path} cannot be read");

    [Fact]
    public async Task A_file_another_process_holds_open_for_writing_is_found_by_its_identity_through_any_path_until_it_is_closed()
    {
        var real = _folder.Combine("downloads");
        Directory.CreateDirectory(real);
        var alias = _folder.Combine("alias");
        Directory.CreateSymbolicLink(alias, real);
        using var writer = await FileHolder.StartAsync(Path.Combine(real, "open.jpg"), forWriting: true, _timeout.Token);

        var open = _probe.Snapshot();

        open.WriterOf(IdentityOf(Path.Combine(alias, "open.jpg"))).Should().Be(writer.Pid, "the symbolic link reaches the same inode");
        open.WriterOf(IdentityOf($"/proc/self/root{real}/open.jpg")).Should().Be(writer.Pid, "so does the path through our root's magic link");

        await writer.CloseAsync(_timeout.Token);
        var closed = _probe.Snapshot();

        closed.WriterOf(IdentityOf(Path.Combine(alias, "open.jpg"))).Should().BeNull("the writer closed it (its process still runs)");
    }

    [Fact]
    public async Task A_file_open_only_for_reading_or_held_by_this_process_is_not_a_writer()
    {
        var read = _folder.Combine("read.jpg");
        await File.WriteAllTextAsync(read, "content", _timeout.Token);
        using var reader = await FileHolder.StartAsync(read, forWriting: false, _timeout.Token);
        var own = _folder.Combine("own.jpg");
        await using var ownWriter = new FileStream(own, FileMode.CreateNew, FileAccess.Write);
        using var otherWriter = await FileHolder.StartAsync(_folder.Combine("other.jpg"), forWriting: true, _timeout.Token);

        var snapshot = _probe.Snapshot();

        snapshot.WriterOf(IdentityOf(read)).Should().BeNull("it is open for reading only");
        snapshot.WriterOf(IdentityOf(own)).Should().BeNull("our own descriptors are the daemon's own work, never a download");
        snapshot.WriterOf(IdentityOf(_folder.Combine("other.jpg"))).Should().Be(otherWriter.Pid, "the same scan sees another process's writer");
        snapshot.IsPartial.Should().BeFalse("the tests run as root and see every process");
    }
}
