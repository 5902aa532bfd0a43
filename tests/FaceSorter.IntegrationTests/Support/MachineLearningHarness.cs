using FaceSorter.Immich;
using FaceSorter.Immich.MachineLearning;
using FaceSorter.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>
/// MachineLearning mode wired as the app wires it (<see cref="MachineLearningServiceCollectionExtensions.AddImmichMachineLearning"/>)
/// against a fresh Immich-shaped database, the ML emulator and a private temp folder for images.
/// </summary>
public sealed class MachineLearningHarness : IAsyncDisposable
{
    private readonly DirectoryInfo _folder;
    private readonly ServiceProvider _services;

    private MachineLearningHarness(PostgresImmichDatabase database, MachineLearningEmulator emulator, ServiceProvider services, DirectoryInfo folder)
    {
        Database = database;
        Emulator = emulator;
        _services = services;
        _folder = folder;
    }

    public PostgresImmichDatabase Database { get; }

    public MachineLearningEmulator Emulator { get; }

    public IFaceService FaceService => _services.GetRequiredService<IFaceService>();

    public Gallery Gallery => _services.GetRequiredService<Gallery>();

    public GalleryDistance GalleryDistance => _services.GetRequiredService<GalleryDistance>();

    public IServiceProvider Services => _services;

    public FakeLogCollector Logs => _services.GetFakeLogCollector();

    /// <param name="timeProvider">Registered before the feature, so it replaces <see cref="TimeProvider.System"/>.</param>
    public static async Task<MachineLearningHarness> StartAsync(
        string immichVersion,
        CancellationToken cancellationToken,
        Action<ImmichOptions>? configure = null,
        TimeProvider? timeProvider = null)
    {
        var database = await PostgresImmichDatabase.CreateAsync(immichVersion, cancellationToken);
        var emulator = await MachineLearningEmulator.StartAsync(cancellationToken);
        var services = new ServiceCollection();
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        var provider = services
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddFakeLogging())
            .Configure<ImmichOptions>(options =>
            {
                options.Mode = ImmichMode.MachineLearning;
                options.MachineLearningUrl = emulator.BaseAddress.ToString();
                options.DatabaseConnectionString = database.ConnectionString;
                configure?.Invoke(options);
            })
            .AddImmichMachineLearning()
            .BuildServiceProvider();
        return new MachineLearningHarness(database, emulator, provider, Directory.CreateTempSubdirectory("facesorter-ml-"));
    }

    /// <summary>A small real photo in the harness's folder (its tag counts up from 1).</summary>
    public Task<FaceCheckRequest> ImageAsync(string name, CancellationToken cancellationToken) =>
        ImageAsync(name, TestImages.Photo(Interlocked.Increment(ref _tags)), cancellationToken);

    /// <summary>A file with these bytes in the harness's folder.</summary>
    public async Task<FaceCheckRequest> ImageAsync(string name, byte[] bytes, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_folder.FullName, name);
        await File.WriteAllBytesAsync(path, bytes, cancellationToken);
        return new FaceCheckRequest(path, new string('0', 64), bytes.Length);
    }

    private int _tags;

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Emulator.DisposeAsync();
        await Database.DisposeAsync();
        _folder.Delete(recursive: true);
    }
}
