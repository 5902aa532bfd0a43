using System.Reflection;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Moving;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FaceSorter.IntegrationTests.Moving;

/// <summary>
/// A real SQLite store and real folders for the mover and its recovery: the drop folder and the
/// destinations on the disk, and a second drop folder on <c>/dev/shm</c> (tmpfs), so a move from it
/// to the disk crosses filesystems as a move from a download disk to a NAS does.
/// </summary>
#pragma warning disable CA1001 // Types that own disposable fields should be disposable: xunit disposes it through IAsyncLifetime.DisposeAsync
public abstract class MovingHarness : IAsyncLifetime
#pragma warning restore CA1001
{
    protected static readonly DateTimeOffset Start = new(2026, 4, 2, 10, 15, 30, TimeSpan.Zero);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    protected MovingHarness()
    {
        Inbox = Folder.Combine("inbox");
        Faces = Folder.Combine("faces");
        Review = Folder.Combine("review");
        OtherFilesystemInbox = OtherFilesystem.Combine("inbox");
        Directory.CreateDirectory(Inbox);
        Directory.CreateDirectory(OtherFilesystemInbox);
        Store = FaceSorterStore.ForSqlite($"Data Source={Folder.Combine("facesorter.db")}", Clock);
    }

    protected TempFolder Folder { get; } = new();

    /// <summary>A folder on tmpfs: another filesystem than <see cref="Folder"/>'s disk.</summary>
    protected TempFolder OtherFilesystem { get; } = new("/dev/shm");

    protected string Inbox { get; }

    protected string OtherFilesystemInbox { get; }

    protected string Faces { get; }

    protected string Review { get; }

    protected FakeTimeProvider Clock { get; } = new(Start);

    protected CancellationToken Token => _timeout.Token;

    protected FaceSorterStore Store { get; private set; }

    public async ValueTask InitializeAsync()
    {
        OnDifferentFilesystems(Folder.Path, OtherFilesystem.Path).Should().BeTrue("the cross-filesystem cases need /dev/shm (tmpfs) apart from the test disk");
        await Store.MigrateAsync(Token);
    }

    public ValueTask DisposeAsync()
    {
        Folder.Dispose();
        OtherFilesystem.Dispose();
        _timeout.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    protected FileMover NewMover(FakeLogger<FileMover>? logger = null, IMoveJournal? store = null) =>
        new(store ?? Store, new OwnMoves(Clock), Clock, logger ?? new FakeLogger<FileMover>());

    /// <summary>Recovery for a daemon whose drop folder is <paramref name="inbox"/> (<see cref="Inbox"/> unless told).</summary>
    protected JournalRecovery NewRecovery(string? inbox = null, FakeLogger<JournalRecovery>? logger = null) =>
        new(Store, Microsoft.Extensions.Options.Options.Create(new DirectoriesOptions { Inbox = inbox ?? Inbox, Faces = Faces, Review = Review }), logger ?? new FakeLogger<JournalRecovery>());

    protected static OutcomeRecord Sorted(string hash, string person) =>
        new(RecordKind.Download, hash, null, person, null, "matched " + person, 1, person, 0.93);

    protected static byte[] Content(int seed, int length = 200_000)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected static string Write(string folder, string name, byte[] content)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>The path's filesystem, as <c>stat -f</c> would tell it apart: the mount holding it.</summary>
    private static bool OnDifferentFilesystems(string first, string second)
    {
        static string MountOf(string path)
        {
            var full = Path.GetFullPath(path);
            return File.ReadAllLines("/proc/self/mounts")
                .Select(line => line.Split(' ')[1])
                .Where(mount => full == mount || full.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal))
                .MaxBy(mount => mount.Length)!;
        }

        return MountOf(first) != MountOf(second);
    }
}

/// <summary>
/// Passes every journal call through, and lets a test see the disk at the moment a call is made
/// (e.g. that nothing was moved yet when the journal entry was written).
/// </summary>
#pragma warning disable CA1852 // DispatchProxy needs an unsealed class to derive from.
internal class ObservedStore : DispatchProxy
#pragma warning restore CA1852
{
    private IMoveJournal _inner = null!;
    private Action<string, object?[]?> _observe = null!;

    public static IMoveJournal Wrap(IMoveJournal inner, Action<string, object?[]?> observe)
    {
        var proxy = Create<IMoveJournal, ObservedStore>();
        var observed = (ObservedStore)(object)proxy;
        observed._inner = inner;
        observed._observe = observe;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        _observe(targetMethod!.Name, args);
        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            throw exception.InnerException;
        }
    }
}
