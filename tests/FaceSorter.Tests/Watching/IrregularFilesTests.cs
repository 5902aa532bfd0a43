using System.Diagnostics;
using FaceSorter.Watching;

namespace FaceSorter.Tests.Watching;

public sealed class IrregularFilesTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("facesorter-irregular-");
    private readonly IrregularFiles _irregular = new();

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void A_regular_file_is_left_to_the_settle_rule()
    {
        var path = Given("photo.jpg");

        _irregular.Catch(path, new FileInfo(path)).Should().BeFalse();
        _irregular.TakeNewlyHeld().Should().BeEmpty();
    }

    [Fact]
    public void A_file_that_simply_vanished_is_not_irregular()
    {
        var path = Path.Combine(_folder.FullName, "gone.jpg");

        _irregular.Catch(path, new FileInfo(path)).Should().BeFalse();
    }

    [Fact]
    public void A_symbolic_link_is_held_once_with_its_reason_and_again_when_made_anew()
    {
        var link = Path.Combine(_folder.FullName, "link.jpg");
        File.CreateSymbolicLink(link, Given("target.jpg"));

        _irregular.Catch(link, new FileInfo(link)).Should().BeTrue();
        _irregular.Catch(link, new FileInfo(link)).Should().BeTrue("it stays irregular");
        _irregular.TakeNewlyHeld().Should().Equal([(link, IrregularFiles.LinkReason)], "held once, not once per look");
        _irregular.TakeNewlyHeld().Should().BeEmpty();

        _irregular.Retain(new HashSet<string>()); // a scan no longer saw it
        _irregular.Catch(link, new FileInfo(link)).Should().BeTrue();
        _irregular.TakeNewlyHeld().Should().ContainSingle("made again under the same name, it is held again");
    }

    [Fact]
    public void A_fifo_is_held_and_never_opened()
    {
        var fifo = Path.Combine(_folder.FullName, "pipe.jpg");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            mkfifo.ExitCode.Should().Be(0);
        }

        _irregular.Catch(fifo, new FileInfo(fifo)).Should().BeTrue();
        _irregular.TakeNewlyHeld().Should().Equal([(fifo, IrregularFiles.SpecialReason)]);
    }

    private string Given(string name)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllBytes(path, [1, 2, 3]);
        return path;
    }
}
