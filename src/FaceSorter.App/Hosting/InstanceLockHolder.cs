using FaceSorter.Pipeline;

namespace FaceSorter.App.Hosting;

/// <summary>Keeps the host's <see cref="InstanceLock"/> until the container is disposed (which releases it).</summary>
internal sealed class InstanceLockHolder : IDisposable
{
    private InstanceLock? _lock;

    public void Hold(InstanceLock instanceLock) => _lock = instanceLock;

    public void Dispose() => _lock?.Dispose();
}
