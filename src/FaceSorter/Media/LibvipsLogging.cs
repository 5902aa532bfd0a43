using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetVips;

namespace FaceSorter.Media;

/// <summary>
/// Sends libvips' own messages (GLib log domain <c>VIPS</c>: "VIPS-WARNING **: …: not enough data")
/// through FaceSorter's logger at Debug instead of raw to stderr: a decode failure reaches the log
/// once, as the reason the part that decoded gives (<see cref="PictureLimits.Reason"/>), not as a line
/// per row read. The handler is installed at start and removed at stop. It is process-wide because
/// GLib keeps one log handler per domain for the whole process; libvips has no per-call logger.
/// </summary>
public sealed class LibvipsLogging(ILogger<LibvipsLogging> logger) : IHostedService
{
    /// <summary>The GLib log domain libvips writes to.</summary>
    public const string Domain = "VIPS";

    // Info and debug stay with GLib's default handler, which drops them unless G_MESSAGES_DEBUG asks:
    // libvips sends a dozen info lines per decode, not worth a call into managed code each.
    private const Enums.LogLevelFlags Levels = Enums.LogLevelFlags.Critical | Enums.LogLevelFlags.Warning | Enums.LogLevelFlags.Message;

    private NetVips.Log.LogDelegate? _handler; // kept referenced while GLib holds it
    private uint _handlerId;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _handler = (domain, level, message) => logger.LibvipsMessage(domain ?? Domain, LevelName(level), (message ?? "").TrimEnd()); // libvips ends its messages in a newline
        _handlerId = NetVips.Log.SetLogHandler(Domain, Levels, _handler);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_handler is not null)
        {
            NetVips.Log.RemoveLogHandler(Domain, _handlerId);
            _handler = null;
        }

        return Task.CompletedTask;
    }

    private static string LevelName(Enums.LogLevelFlags level) =>
        (level & Levels) switch
        {
            var flags when flags.HasFlag(Enums.LogLevelFlags.Critical) => "critical",
            var flags when flags.HasFlag(Enums.LogLevelFlags.Warning) => "warning",
            _ => "message",
        };
}
