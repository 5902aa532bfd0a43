using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace FaceSorter.Diagnostics;

/// <summary>
/// The addresses of <c>FaceSorter:Web:Urls</c> as sockets: whether each can be bound now (bound and
/// released at once, as Kestrel would bind it), and whether what holds a busy one is a FaceSorter
/// (it answers its status or token problem). Used by <c>doctor</c> and before <c>run</c> starts its
/// web server, so a clash is one line instead of Kestrel's stack trace.
/// </summary>
public static class WebAddress
{
    /// <summary>One URL of the list, the endpoint it binds (null for port 0, which always binds), and the URL to ask.</summary>
    public sealed record Listener(string Url, IPEndPoint? EndPoint, Uri Probe);

    /// <summary>
    /// The listeners of a <c>;</c>-separated URL list. <c>localhost</c> is checked on 127.0.0.1,
    /// <c>*</c>, <c>+</c> and <c>0.0.0.0</c> on every IPv4 address; a host name that is not an address
    /// is checked on every address too (Kestrel binds those to all interfaces).
    /// </summary>
    public static IReadOnlyList<Listener> Parse(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(url =>
            {
                var uri = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
                var address = uri.Host is "localhost" ? IPAddress.Loopback
                    : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) ? parsed
                    : IPAddress.Any;
                var probeHost = address.Equals(IPAddress.Any) ? "127.0.0.1" : address.Equals(IPAddress.IPv6Any) ? "[::1]" : uri.Host;
                var probe = new UriBuilder(uri) { Host = probeHost.Trim('[', ']'), Path = "/api/smart-download/status" }.Uri;
                return new Listener(url, uri.Port == 0 ? null : new IPEndPoint(address, uri.Port), probe);
            })
            .ToList();

    /// <summary>Binds and releases the endpoint; null when it could be bound, else the reason.</summary>
    public static SocketException? TryBind(IPEndPoint endPoint)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            socket.Listen();
            return null;
        }
        catch (SocketException exception)
        {
            return exception;
        }
    }

    /// <summary>True when the address answers as FaceSorter's web API does (the status, or the token problem).</summary>
    public static async Task<bool> IsFaceSorterAsync(Uri probe, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(probe, cancellationToken);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return body.ValueKind == JsonValueKind.Object
                && (body.TryGetProperty("queue_depth", out _)
                    || (body.TryGetProperty("detail", out var detail) && detail.GetString()?.Contains("FaceSorter:Web:Token", StringComparison.Ordinal) == true));
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>The one line for a busy address: who holds it and what to change.</summary>
    public static string Describe(Listener listener, SocketException error, bool heldByFaceSorter) =>
        error.SocketErrorCode == SocketError.AddressAlreadyInUse
            ? heldByFaceSorter
                ? $"{listener.Url} is in use by another running FaceSorter (it answers there)"
                : $"{listener.Url} is in use by another program"
            : $"{listener.Url} cannot be bound: {error.Message}";
}
