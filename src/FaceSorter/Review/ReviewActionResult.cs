namespace FaceSorter.Review;

/// <summary>The outcome of one review action, with the file's new path after an approval and a message for the user.</summary>
public sealed record ReviewActionResult(ReviewOutcome Outcome, string Message, string? Person = null, string? NewPath = null)
{
    public bool Succeeded => Outcome == ReviewOutcome.Done;
}
