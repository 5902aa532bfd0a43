namespace FaceSorter.FollowUps;

/// <summary>
/// A service outside FaceSorter cannot answer now: the work that needed it waits and is tried again,
/// it never fails for good. The face services throw their own kind of it; <see cref="FollowUpService"/>
/// knows only this base, so the follow-up loop depends on no service.
/// </summary>
public abstract class ServiceUnavailableException : Exception
{
    protected ServiceUnavailableException(string message)
        : base(message)
    {
    }

    protected ServiceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
