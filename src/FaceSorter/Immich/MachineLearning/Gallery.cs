using Microsoft.Extensions.Logging;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// The current <see cref="GallerySnapshot"/>. Readers take <see cref="Current"/> without locking;
/// a refresh loads a whole new snapshot and swaps the reference, so matching never waits for it.
/// </summary>
public sealed class Gallery : IDisposable
{
    /// <summary>
    /// The copy on disk is rewritten at most this often (about 2.5 KB per face: 2.5 GB at 1,000,000).
    /// An older copy costs a start only the reading of more changes, never a wrong answer
    /// (docs/matching.md, "Gallery copy on disk").
    /// </summary>
    public static readonly TimeSpan CopyInterval = TimeSpan.FromHours(1);

    private readonly GalleryLoader _loader;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly Lock _copyGate = new();
    private GallerySnapshot? _current;
    private bool _copyRead;
    private GallerySnapshot? _copy;
    private GallerySnapshot? _copyWritten;
    private DateTimeOffset? _copyWrittenAt;
    private Task _copyWriting = Task.CompletedTask;

    public Gallery(GalleryLoader loader, TimeProvider clock)
    {
        _loader = loader;
        _clock = clock;
    }

    /// <summary>Raised after a refresh replaced a snapshot with one holding more faces (a person was named, or an approval learned).</summary>
    public event Action? Grew;

    /// <summary>The latest snapshot, or null before the first load succeeded.</summary>
    public GallerySnapshot? Current => Volatile.Read(ref _current);

    /// <summary>The current snapshot, loading it first if there is none yet.</summary>
    /// <exception cref="FaceServiceUnavailableException">The database cannot be read now.</exception>
    public async ValueTask<GallerySnapshot> GetAsync(CancellationToken cancellationToken)
    {
        return Current ?? await RefreshAsync(onlyIfMissing: true, cancellationToken);
    }

    /// <summary>
    /// Makes a snapshot of Immich's faces as they are now current: when nothing changed since the
    /// current one was read, that one stays after one cheap query (<see cref="GalleryLoader.LoadAsync(GallerySnapshot?, CancellationToken)"/>).
    /// </summary>
    /// <exception cref="FaceServiceUnavailableException">The database cannot be read now.</exception>
    /// <exception cref="UnsupportedImmichSchemaException">The database has an unknown layout.</exception>
    public Task<GallerySnapshot> RefreshAsync(CancellationToken cancellationToken) => RefreshAsync(onlyIfMissing: false, cancellationToken);

    /// <summary>Reads the whole gallery again, e.g. after a face was learned into FaceSorter's own store.</summary>
    /// <exception cref="FaceServiceUnavailableException">The database cannot be read now.</exception>
    /// <exception cref="UnsupportedImmichSchemaException">The database has an unknown layout.</exception>
    public Task<GallerySnapshot> ReloadAsync(CancellationToken cancellationToken) => RefreshAsync(onlyIfMissing: false, cancellationToken, whole: true);

    /// <summary>Completes when the copy on disk holds the latest snapshot (or writing it failed).</summary>
    internal Task CopyWritten
    {
        get
        {
            lock (_copyGate)
            {
                return _copyWriting;
            }
        }
    }

    public void Dispose() => _loading.Dispose();

    private async Task<GallerySnapshot> RefreshAsync(bool onlyIfMissing, CancellationToken cancellationToken, bool whole = false)
    {
        // One load at a time: files arriving before the first load must not each start one.
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (onlyIfMissing && Current is { } loaded)
            {
                return loaded;
            }

            // At the first load, the copy the last run left on disk stands in for the earlier
            // snapshot: only what changed since is read, and it is never matched against before that
            // (docs/matching.md, "Gallery copy on disk").
            if (!_copyRead)
            {
                _copyRead = true;
                _copy = _loader.ReadCopy();
                if (_copy is not null && _loader.CopyPath is { } path)
                {
                    _copyWrittenAt = new DateTimeOffset(File.GetLastWriteTimeUtc(path));
                }
            }

            GallerySnapshot snapshot;
            try
            {
                snapshot = await _loader.LoadAsync(Current ?? _copy, keepIfUnchanged: !whole, cancellationToken);
                _copy = null;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                throw new FaceServiceUnavailableException($"Immich's database cannot be read: {ex.Message}", ex);
            }

            var previous = Interlocked.Exchange(ref _current, snapshot);
            if (previous is not null && previous != snapshot && snapshot.Count > previous.Count)
            {
                Grew?.Invoke();
            }

            if (previous != snapshot)
            {
                WriteCopyLater();
            }

            return snapshot;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>
    /// Writes the latest snapshot to disk in the background, one write at a time, never holding up a
    /// load, and at most once per <see cref="CopyInterval"/>.
    /// </summary>
    private void WriteCopyLater()
    {
        if (_loader.CopyPath is null)
        {
            return;
        }

        lock (_copyGate)
        {
            _copyWriting = _copyWriting.ContinueWith(
                _ =>
                {
                    var latest = Current;
                    var now = _clock.GetUtcNow();
                    if (latest is not null && latest != _copyWritten && !(now - _copyWrittenAt < CopyInterval))
                    {
                        _loader.WriteCopy(latest);
                        _copyWritten = latest;
                        _copyWrittenAt = now;
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
        }
    }
}
