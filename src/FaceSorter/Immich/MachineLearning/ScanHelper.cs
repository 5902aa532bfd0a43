namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// One query's scan split into blocks of rows that the calling thread and one long-lived helper
/// thread take in turn (docs/matching.md, "Matching", "Both cores"). The caller never waits for the
/// helper: it takes every block left, then scans itself any block the helper has taken but not yet
/// finished (a block's result depends only on its rows, so either copy is the same), so a helper
/// that wakes late or is pre-empted costs at most the caller's own time for one core, never a
/// scheduler time slice.
/// </summary>
/// <typeparam name="TResult">One block's result.</typeparam>
internal sealed class ScanJob<TResult>
    where TResult : class
{
    private readonly Func<int, TResult> _scan;
    private readonly TResult?[] _results;
    private int _next;

    /// <param name="blocks">Number of blocks, at least 1.</param>
    /// <param name="scan">Scans one block (0 … <paramref name="blocks"/> − 1); called at most twice a block, from two threads.</param>
    public ScanJob(int blocks, Func<int, TResult> scan)
    {
        _scan = scan;
        _results = new TResult?[blocks];
    }

    public int Blocks => _results.Length;

    /// <summary>The next block nobody has taken, or −1 when all are taken.</summary>
    public int Take()
    {
        var block = Interlocked.Increment(ref _next) - 1;
        return block < _results.Length ? block : -1;
    }

    /// <summary>Scans <paramref name="block"/> and keeps the result unless another thread already kept one.</summary>
    public void Run(int block) => Interlocked.CompareExchange(ref _results[block], _scan(block), null);

    /// <summary>The helper's side: takes and scans blocks until none is left.</summary>
    public void Help()
    {
        for (var block = Take(); block >= 0; block = Take())
        {
            Run(block);
        }
    }

    /// <summary>
    /// The caller's side: takes and scans blocks until none is left, then scans every block still
    /// without a result itself, and returns all results in block order.
    /// </summary>
    public TResult[] Finish()
    {
        Help();
        for (var block = 0; block < _results.Length; block++)
        {
            if (Volatile.Read(ref _results[block]) is null)
            {
                Run(block);
            }
        }

        return _results!;
    }
}

/// <summary>
/// The one helper thread of <see cref="Matcher"/>: started on first use, waits on a semaphore for a
/// job, and helps with at most one job at a time; a job offered while it is busy stays unhelped
/// (its caller scans it alone, as on one core). Process-wide on purpose, as the thread pool is: the
/// machine has one spare core to lend, whatever number of galleries or services match at once, and
/// <see cref="Matcher"/> is a pure static function (docs/matching.md, "Both cores").
/// </summary>
internal static class ScanHelper
{
    private static readonly SemaphoreSlim Signal = new(0);
    private static readonly Lock StartLock = new();
    private static Action? _pending;
    private static Thread? _thread;

    /// <summary>True on machines with more than one core, where a helper is worth its wake-up.</summary>
    public static bool Available { get; } = Environment.ProcessorCount > 1;

    /// <summary>Offers <paramref name="help"/> to the helper; false when it already has one waiting.</summary>
    public static bool Offer(Action help)
    {
        EnsureStarted();
        if (Interlocked.CompareExchange(ref _pending, help, null) is not null)
        {
            return false;
        }

        Signal.Release();
        return true;
    }

    /// <summary>Takes back <paramref name="help"/> if the helper has not picked it up, so it holds no reference to it.</summary>
    public static void Withdraw(Action help) => Interlocked.CompareExchange(ref _pending, null, help);

    private static void EnsureStarted()
    {
        if (Volatile.Read(ref _thread) is not null)
        {
            return;
        }

        lock (StartLock)
        {
            if (_thread is null)
            {
                var thread = new Thread(Loop) { IsBackground = true, Name = "FaceSorter match helper" };
                thread.Start();
                Volatile.Write(ref _thread, thread);
            }
        }
    }

    private static void Loop()
    {
        while (true)
        {
            Signal.Wait();
            try
            {
                Interlocked.Exchange(ref _pending, null)?.Invoke();
            }
            catch (Exception)
            {
                // The block stays without a result and its caller scans it again, meeting the same
                // error on its own thread, where it is reported.
            }
        }
    }
}
