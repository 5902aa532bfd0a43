using System.Diagnostics;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// A real process (a shell) that holds one file open on descriptor 3, for appending or for reading,
/// until told to close it: the kind of writer the open-writer check must see (curl holds its file
/// open <c>O_WRONLY</c> for the whole download). A writer appends <see cref="FirstPart"/> on opening
/// and <see cref="LastPart"/> just before it closes.
/// </summary>
public sealed class FileHolder : IDisposable
{
    public const string FirstPart = "first part ";
    public const string LastPart = "last part";

    private readonly Process _process;

    private FileHolder(Process process)
    {
        _process = process;
    }

    /// <summary>The holder's process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Starts the holder and returns once the file is open.</summary>
    /// <param name="forWriting">True: open for appending (O_WRONLY|O_APPEND, creating it) and write; false: open for reading only.</param>
    public static async Task<FileHolder> StartAsync(string path, bool forWriting, CancellationToken cancellationToken)
    {
        var open = forWriting ? $"""exec 3>>"$1"; printf '{FirstPart}' >&3""" : """exec 3<"$1" """;
        var end = forWriting ? $"printf '{LastPart}' >&3; " : "";
        var script = $"""{open}; echo open; read line; {end}exec 3>&-; echo closed; read line""";
        var start = new ProcessStartInfo("sh", ["-c", script, "sh", path])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        var holder = new FileHolder(Process.Start(start) ?? throw new InvalidOperationException("sh did not start"));
        await holder.ExpectAsync("open", cancellationToken);
        return holder;
    }

    /// <summary>
    /// Starts a holder that opens the file read-write (O_RDWR, never creating it) and writes nothing: a
    /// writer that has not written yet, which keeps the file unsettled without changing its content.
    /// </summary>
    public static async Task<FileHolder> StartSilentWriterAsync(string path, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("sh", ["-c", """exec 3<>"$1"; echo open; read line; exec 3>&-; echo closed; read line""", "sh", path])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        var holder = new FileHolder(Process.Start(start) ?? throw new InvalidOperationException("sh did not start"));
        await holder.ExpectAsync("open", cancellationToken);
        return holder;
    }

    /// <summary>Closes the file (a writer writes its last part first) and returns once it is closed; the process stays.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync("close".AsMemory(), cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
        await ExpectAsync("closed", cancellationToken);
    }

    public void Dispose()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
    }

    private async Task ExpectAsync(string line, CancellationToken cancellationToken)
    {
        var said = await _process.StandardOutput.ReadLineAsync(cancellationToken);
        said.Should().Be(line, $"the holder (pid {_process.Id}) reports each step");
    }
}
