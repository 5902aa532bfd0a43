namespace FaceSorter.App.Web;

/// <summary>The answer to an approval or rejection: the new state and, after an approval, where the file went.</summary>
internal sealed record ReviewActionResponse(long Id, string Action, string Message, string? Person, string? FilePath);
