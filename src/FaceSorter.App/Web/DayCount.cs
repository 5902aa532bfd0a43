namespace FaceSorter.App.Web;

/// <summary>Files sorted automatically and review items decided on one UTC day, for the stats chart.</summary>
internal sealed record DayCount(string Date, int AutoSorted, int Approved, int Rejected, int NewInReview);
