namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// A test with its own temp folder, an overall deadline and a fresh emulated Immich (v3.1.0 unless
/// the class says otherwise), all disposed after each test.
/// </summary>
public abstract class EmulatedImmichTest : IAsyncLifetime
{
    private readonly CancellationTokenSource _timeout;

    protected EmulatedImmichTest(TimeSpan? deadline = null, string immichVersion = "3.1.0")
    {
        _timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromMinutes(2));
        ImmichVersion = immichVersion;
    }

    protected TempFolder Folder { get; } = new();

    protected ImmichEmulator Immich { get; private set; } = null!;

    protected CancellationToken Token => _timeout.Token;

    private string ImmichVersion { get; }

    public async ValueTask InitializeAsync() => Immich = await ImmichEmulator.StartAsync(ImmichVersion, Token);

    public async ValueTask DisposeAsync()
    {
        await Immich.DisposeAsync();
        _timeout.Dispose();
        Folder.Dispose();
        GC.SuppressFinalize(this);
    }
}
