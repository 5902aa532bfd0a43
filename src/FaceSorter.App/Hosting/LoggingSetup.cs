using FaceSorter.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Settings.Configuration;

namespace FaceSorter.App.Hosting;

/// <summary>
/// Two-stage Serilog: a console logger until the host is built, then the <c>Serilog</c> section of
/// the config file (console + rolling file). A broken section falls back to the console and says so;
/// a missing or empty one logs to the console at Information.
/// </summary>
internal static class LoggingSetup
{
    /// <summary>The console template of the shipped <c>etc/facesorter.json</c>, used when the config has no sinks.</summary>
    public const string ConsoleTemplate = "{Timestamp:HH:mm:ss} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    // The sinks the app ships, named: without them Serilog.Settings.Configuration reads every deps.json
    // and inspects each listed assembly for sinks, about 0.1 s of every start (docs/operations.md,
    // "Runtime settings"). Another sink is still found through the section's "Using" list.
    private static ConfigurationReaderOptions ShippedSinks => new(
        typeof(ConsoleLoggerConfigurationExtensions).Assembly,
        typeof(FileLoggerConfigurationExtensions).Assembly);

    public static void StartBootstrapLogger() =>
        Serilog.Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .Enrich.With<PrintableNamesEnricher>()
            .Enrich.WithProperty("SourceContext", "FaceSorter")
            .WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture) // start-up errors look like the host's lines
            .CreateBootstrapLogger();

    public static void AddFaceSorterLogging(this IHostApplicationBuilder builder, string configDirectory, bool quiet)
    {
        // Serilog.Sinks.File expands environment variables in its path: the shipped config writes
        // to %FACESORTER_HOME%/logs, i.e. beside the config file.
        Environment.SetEnvironmentVariable("FACESORTER_HOME", configDirectory);
        ResolveLogPaths(builder.Configuration, configDirectory);
        // The static logger belongs to the process's entry point, which starts it as a bootstrap logger
        // (Program): only then is it replaced by this configuration. A host built beside others in one
        // process (the tests) keeps its logger to itself: sharing the static one, every host would
        // write to the sinks of the last one built, and stop logging when any of them is disposed.
        var ownsStaticLogger = Serilog.Log.Logger is Serilog.Extensions.Hosting.ReloadableLogger;
        builder.Services.AddSerilog(preserveStaticLogger: !ownsStaticLogger, configureLogger: (services, configuration) =>
        {
            configuration.Enrich.With<PrintableNamesEnricher>(); // a file name never forges a log line
            configuration.Filter.ByExcluding(IsDiskFullAtStartRetold); // its own line says it, without the host's stack traces
            try
            {
                configuration.ReadFrom.Configuration(builder.Configuration, ShippedSinks).ReadFrom.Services(services);
                foreach (var library in new[] { "Microsoft", "System", "Npgsql" }.Where(library => builder.Configuration[$"Serilog:MinimumLevel:Override:{library}"] is null))
                {
                    // What the shipped file overrides, for a Serilog section that does not: HttpClient logs four lines per
                    // request at Information (every Immich poll), ASP.NET Core one per web request, Npgsql every SQL command
                    // (a dozen per file on the PostgreSQL store). A section naming one of them keeps its own level.
                    configuration.MinimumLevel.Override(library, Serilog.Events.LogEventLevel.Warning);
                }
                if (!builder.Configuration.GetSection("Serilog:WriteTo").GetChildren().Any())
                {
                    // No Serilog section (or one without sinks) would log nothing at all: the sorted
                    // files and the warnings still go to the console, as the shipped file sends them.
                    configuration.WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                    if (!builder.Configuration.GetSection("Serilog:MinimumLevel").Exists())
                    {
                        configuration.MinimumLevel.Information();
                    }
                }

                if (quiet)
                {
                    // A decision made by `review approve`/`reject` is logged as the web page's and the file
                    // manager's are (one line, the same event), to the console's stderr and the log file.
                    configuration.MinimumLevel.Warning()
                        .MinimumLevel.Override(typeof(FaceSorter.Review.ReviewActions).FullName!, Serilog.Events.LogEventLevel.Information);
                }
            }
            catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or FormatException or InvalidCastException)
            {
                configuration.WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                Serilog.Log.Warning(exception, "The Serilog section of the config file is broken ({Message}); logging to the console only", exception.Message);
            }
        });
    }

    /// <summary>
    /// A relative file-sink path (<c>Serilog:WriteTo:…:Args:path</c>, also inside a wrapper such as Async)
    /// resolves against the config file's folder and a leading <c>~/</c> against the home folder, as every other
    /// path in the config does (README "Configuration reference"); Serilog.Sinks.File would resolve it against
    /// the working folder and take <c>~</c> literally.
    /// </summary>
    private static void ResolveLogPaths(IConfiguration configuration, string configDirectory)
    {
        var paths = configuration.GetSection("Serilog:WriteTo").AsEnumerable()
            .Where(pair => pair.Value is not null && pair.Key.EndsWith(":Args:path", StringComparison.OrdinalIgnoreCase))
            .ToList();
        foreach (var (key, value) in paths)
        {
            var path = ConfigLocation.ExpandHome(value!);
            configuration[key] = Path.IsPathRooted(Environment.ExpandEnvironmentVariables(path)) ? path : Path.Combine(configDirectory, path);
        }
    }

    /// <summary>The host's own error lines about a start-up the full disk stopped (StartupTasks logged it in one line, event 8799).</summary>
    private static bool IsDiskFullAtStartRetold(Serilog.Events.LogEvent logEvent)
    {
        if (logEvent.Properties.TryGetValue("SourceContext", out var source) && source.ToString().StartsWith("\"Microsoft.", StringComparison.Ordinal))
        {
            for (var exception = logEvent.Exception; exception is not null; exception = exception.InnerException)
            {
                if (exception is FaceSorter.Storage.DiskFullAtStartException
                    || (exception is AggregateException aggregate && aggregate.InnerExceptions.Any(inner => inner is FaceSorter.Storage.DiskFullAtStartException)))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
