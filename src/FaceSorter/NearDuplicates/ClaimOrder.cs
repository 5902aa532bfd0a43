namespace FaceSorter.NearDuplicates;

/// <summary>
/// Puts the near-duplicate lookups in the order of the content claims (docs/contracts.md, "Near
/// duplicates"): a file's content claim is made and numbered as one step (<see cref="ClaimAsync"/>), and
/// its lookup-then-insert in the <see cref="FingerprintIndex"/> waits until every file numbered before it
/// has had its own or given up its turn (<see cref="Turn"/>). So of two near copies claimed at once the
/// second claimed always finds the first, however their decodes race, as an exact copy always finds its
/// original by the claim. Claims are made one at a time (they are single-row writes). Thread-safe.
/// </summary>
public sealed class ClaimOrder : IDisposable
{
    private readonly SemaphoreSlim _claiming = new(1, 1);
    private readonly Lock _gate = new();
    private readonly HashSet<long> _finishedEarly = [];
    private readonly Dictionary<long, TaskCompletionSource> _waiting = [];
    private long _issued;
    private long _current = 1; // the lowest number whose turn is not over

    /// <summary>Runs <paramref name="claim"/> (the content claim) and numbers the file in the same step; dispose the turn when the file is done with the index.</summary>
    public async Task<Turn> ClaimAsync(Func<Task> claim, CancellationToken cancellationToken) =>
        (await ClaimAsync(claim, 1, cancellationToken))[0];

    /// <summary>
    /// Runs <paramref name="claim"/> (the content claims of <paramref name="count"/> files, in order) and
    /// numbers those files in the same order and the same step; no number is given when it throws.
    /// Dispose every turn when its file is done with the index.
    /// </summary>
    public async Task<IReadOnlyList<Turn>> ClaimAsync(Func<Task> claim, int count, CancellationToken cancellationToken)
    {
        await _claiming.WaitAsync(cancellationToken);
        try
        {
            await claim();
            lock (_gate)
            {
                var turns = new Turn[count];
                for (var i = 0; i < count; i++)
                {
                    turns[i] = new Turn(this, ++_issued);
                }

                return turns;
            }
        }
        finally
        {
            _claiming.Release();
        }
    }

    private Task WaitForAsync(long number, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_current == number)
            {
                return Task.CompletedTask;
            }

            var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting[number] = waiting;
            return waiting.Task.WaitAsync(cancellationToken);
        }
    }

    private void Finish(long number)
    {
        TaskCompletionSource? next = null;
        lock (_gate)
        {
            _waiting.Remove(number);
            if (number != _current)
            {
                _finishedEarly.Add(number);
                return;
            }

            _current++;
            while (_finishedEarly.Remove(_current))
            {
                _current++;
            }

            _waiting.Remove(_current, out next);
        }

        next?.TrySetResult();
    }

    public void Dispose() => _claiming.Dispose();

    /// <summary>A file's place in the claim order. Disposing it (or <see cref="Finish"/>) lets the next file take its turn; both are idempotent.</summary>
    public sealed class Turn : IDisposable
    {
        private readonly ClaimOrder _order;
        private int _finished;

        internal Turn(ClaimOrder order, long number)
        {
            _order = order;
            Number = number;
        }

        /// <summary>1 for the first file claimed since start, then 2, 3, …</summary>
        public long Number { get; }

        /// <summary>Completes when every file claimed before this one has finished its turn.</summary>
        public Task WaitAsync(CancellationToken cancellationToken) => _order.WaitForAsync(Number, cancellationToken);

        public void Finish()
        {
            if (Interlocked.Exchange(ref _finished, 1) == 0)
            {
                _order.Finish(Number);
            }
        }

        public void Dispose() => Finish();
    }
}
