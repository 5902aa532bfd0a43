using System.CommandLine;
using FaceSorter.App.Cli;
using FaceSorter.App.Hosting;
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

    // The host handles SIGINT/SIGTERM itself and drains the pipeline: System.CommandLine must not
    // end the process after its default grace, nor swallow start-up errors.
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (Exception exception) when (StartupErrors.Describe(exception) is { } problem)
{
    Log.Fatal("Invalid configuration, not starting:{NewLine}{Problem}", Environment.NewLine, problem);
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
