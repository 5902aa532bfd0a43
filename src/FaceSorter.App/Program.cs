using System.CommandLine;
using FaceSorter.App.Cli;
using FaceSorter.App.Hosting;
using Microsoft.Extensions.Options;
using Log = Serilog.Log;

LoggingSetup.StartBootstrapLogger();
try
{
    var root = new RootCommand("FaceSorter: sorts downloaded images into faces/<person>/ or review/<category>/ using Immich's face recognition")
    {
        RunCommand.Create(),
        ScanCommand.Create(),
        ReviewCommand.Create(),
        StatsCommand.Create(),
        DoctorCommand.Create(),
    };
    root.Options.Add(CommonOptions.Config);

    // The host handles SIGINT/SIGTERM itself and drains the pipeline; System.CommandLine must not
    // end the process after its default 2 s grace.
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
}
catch (OptionsValidationException exception)
{
    Log.Fatal("Invalid configuration, not starting:{NewLine}{Failures}", Environment.NewLine, string.Join(Environment.NewLine, exception.Failures.Select(failure => "  " + failure)));
    return 2;
}
catch (ConfigFileException exception)
{
    Log.Fatal("{Message}", exception.Message);
    return 2;
}
catch (Exception exception)
{
    Log.Fatal(exception, "FaceSorter stopped unexpectedly");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
