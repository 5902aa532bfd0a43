namespace FaceSorter.Watching;

/// <summary>What a round tells its <see cref="WatchLoop"/>: when to run the next round at the latest, or to stop.</summary>
public readonly record struct NextRound
{
    private NextRound(DateTimeOffset? wakeAt, bool isStop) => (WakeAt, IsStop) = (wakeAt, isStop);

    /// <summary>Ends the loop (a one-shot scan that is done).</summary>
    public static NextRound Stop { get; } = new(null, isStop: true);

    /// <summary>The wake time the round asked for; null when only a hint or the next scan should wake it.</summary>
    public DateTimeOffset? WakeAt { get; }

    public bool IsStop { get; }

    /// <summary>Run the next round at <paramref name="wakeAt"/> at the latest (or on a hint, or at the next scan, if sooner).</summary>
    public static NextRound By(DateTimeOffset? wakeAt) => new(wakeAt, isStop: false);
}
