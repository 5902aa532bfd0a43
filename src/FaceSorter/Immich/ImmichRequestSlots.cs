using FaceSorter.Options;
using Microsoft.Extensions.Options;

namespace FaceSorter.Immich;

/// <summary>
/// <c>Immich:MaxConcurrentRequests</c> as a limit on the work in flight at Immich, not on the files
/// being worked on: an ML <c>/predict</c> request in MachineLearning mode, an asset from its upload
/// until its faces are read in Upload mode. The pipeline runs a few more face-check workers than
/// slots, so the CPU steps of other files (the preview, the SHA-1, matching) run while the slots wait
/// on Immich, and Immich is never left idle by them (docs/architecture.md, "Keeping Immich busy").
/// One instance per process, shared by every caller of the face service.
/// </summary>
public sealed class ImmichRequestSlots(IOptions<ImmichOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentRequests, options.Value.MaxConcurrentRequests);

    /// <summary>Waits for a free slot; dispose the result to give it back.</summary>
    public async ValueTask<Slot> TakeAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>A taken slot; given back once on dispose.</summary>
    public sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private SemaphoreSlim? _slots = slots;

        public void Dispose() => Interlocked.Exchange(ref _slots, null)?.Release();
    }
}
