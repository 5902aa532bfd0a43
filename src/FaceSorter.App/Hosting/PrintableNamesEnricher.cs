using FaceSorter.Diagnostics;
using Serilog.Core;
using Serilog.Events;

namespace FaceSorter.App.Hosting;

/// <summary>
/// Console and file sinks print string properties raw (<c>{Message:lj}</c>), so a file named
/// <c>a\nb.jpg</c> would start a second, forged log line. Every string property holding a control,
/// separator or bidirectional character is replaced by its escaped form (<see cref="PrintableText"/>)
/// before any sink sees the event; all other properties pass unchanged. A property whose name ends in
/// <c>Lines</c> is text the program composed itself to span lines (a list of configuration errors)
/// and is left as it is.
/// </summary>
internal sealed class PrintableNamesEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? replaced = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (value is ScalarValue { Value: string text } && PrintableText.NeedsEscaping(text) && !name.EndsWith("Lines", StringComparison.Ordinal))
            {
                (replaced ??= []).Add(new LogEventProperty(name, new ScalarValue(PrintableText.Escape(text))));
            }
        }

        foreach (var property in replaced ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }
}
