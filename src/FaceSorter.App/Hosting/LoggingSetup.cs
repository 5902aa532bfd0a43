using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace FaceSorter.App.Hosting;

/// <summary>
/// Two-stage Serilog: a console logger until the host is built, then the <c>Serilog</c> section of
/// the config file (console + rolling file). A broken section falls back to the console and says so.
/// </summary>
internal static class LoggingSetup
{
    public static void StartBootstrapLogger() =>
        Serilog.Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .Enrich.With<PrintableNamesEnricher>()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateBootstrapLogger();

    public static void AddFaceSorterLogging(this IHostApplicationBuilder builder, string configDirectory, bool quiet)
    {
        // Serilog.Sinks.File expands environment variables in its path: the shipped config writes
        // to %FACESORTER_HOME%/logs, i.e. beside the config file.
        Environment.SetEnvironmentVariable("FACESORTER_HOME", configDirectory);
        builder.Services.AddSerilog((services, configuration) =>
        {
            configuration.Enrich.With<PrintableNamesEnricher>(); // a file name never forges a log line
            try
            {
                configuration.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services);
                if (quiet)
                {
                    configuration.MinimumLevel.Warning();
                }
            }
            catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or FormatException or InvalidCastException)
            {
                configuration.WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                Serilog.Log.Warning(exception, "The Serilog section of the config file is broken ({Message}); logging to the console only", exception.Message);
            }
        });
    }
}
