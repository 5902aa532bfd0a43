namespace FaceSorter.Settling;

/// <summary>What is known, right now, about who may still be writing one file.</summary>
/// <param name="HasCompanion">A companion download file exists beside it (<c>x.jpg.aria2</c>, <c>x.jpg.part</c>).</param>
/// <param name="OpenByProbe">The <c>/proc/*/fd</c> scan found a process holding it open for writing.</param>
/// <param name="Activity">What inotify said about it (<see cref="WriteState"/>), whoever the writer is.</param>
/// <param name="ProbeSeesAll">The <c>/proc</c> scan can see every user's processes (root or CAP_SYS_PTRACE, no hidepid).</param>
public readonly record struct WriterSignals(bool HasCompanion, bool OpenByProbe, WriteState Activity, bool ProbeSeesAll)
{
    /// <summary>Someone is writing it: the probe saw an open write, or inotify saw a write not yet closed.</summary>
    public bool BeingWritten => OpenByProbe || Activity == WriteState.Writing;
}
