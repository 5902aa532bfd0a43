namespace FaceSorter.IntegrationTests.Support;

/// <summary>A scripted misbehaviour for requests matching <c>"[METHOD ]/path-prefix"</c>.</summary>
internal sealed class ImmichFault
{
    public required string? Method { get; init; }

    public required string PathPrefix { get; init; }

    public int Remaining { get; set; }

    public int? Status { get; init; }

    public bool Garbage { get; init; }

    public TimeSpan Delay { get; init; }

    public static (string? Method, string PathPrefix) Parse(string route)
    {
        var space = route.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (null, route) : (route[..space].ToUpperInvariant(), route[(space + 1)..]);
    }

    public bool Matches(string method, string path) =>
        Remaining > 0
        && (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && path.StartsWith(PathPrefix, StringComparison.OrdinalIgnoreCase);
}
