namespace FaceSorter.App.Web;

/// <summary>Body of <c>POST review/{id}/approve</c>: <c>{"person": "John Doe"}</c> (sanitised to the folder name).</summary>
internal sealed record ApproveRequest(string? Person);
