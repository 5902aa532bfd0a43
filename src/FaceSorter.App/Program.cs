using System.CommandLine;
using FaceSorter.App.Cli;
using FaceSorter.App.Hosting;
using Log = Serilog.Log;

// A verb's result (text or --json) is the only thing on stdout, so it can be piped; log lines go to
// stderr. The daemon (`run`) logs to stdout as usual, for journald and a terminal.
var results = Console.Out;
if (args.FirstOrDefault() is { } verb && verb != "run" && !verb.StartsWith('-'))
{
    Console.SetOut(Console.Error);
}

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
        HealthCommand.Create(),
    };
    root.Options.Add(CommonOptions.Config);

    // A usage error is the message alone (not the whole help), exit code 2 like a config error;
    // a bare `facesorter` (no verb) shows the help, with exit code 2 too: it did nothing (README "Exit codes").
    if (args.Length == 0)
    {
        await root.Parse(["--help"]).InvokeAsync(new InvocationConfiguration { Output = results });
        return 2;
    }

    var parse = root.Parse(args);
    if (UsageErrors.Of(parse) is { Count: > 0 } errors)
    {
        await UsageErrors.WriteAsync(parse);
        await JsonError.WriteAsync(args, results, "invalid_arguments", string.Join('\n', errors), 2);
        return 2;
    }

    // The host handles SIGINT/SIGTERM itself and drains the pipeline: System.CommandLine must not
    // end the process after its default grace, nor swallow start-up errors.
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false, Output = results });
}
catch (Exception exception) when (exception is FaceSorter.Pipeline.InstanceBusyException or StartupRefusedException)
{
    // One line, no stack trace: another instance or program holds what this one needs (README "Exit codes").
    // On this process's console only: the config's log file may be the running instance's, and a fatal
    // line in it would say that one failed.
    await CloseLogAsync();
    LoggingSetup.StartBootstrapLogger();
    Log.ForContext("SourceContext", "FaceSorter").Fatal("{Problem}", exception.Message);
    await JsonError.WriteAsync(args, results, "refused", exception.Message, 3);
    return 3;
}
catch (FaceSorter.Storage.DiskFullAtStartException exception)
{
    // Its one line is logged (README "Exit codes"; docs/operations.md, "A full disk").
    await JsonError.WriteAsync(args, results, "disk_full", exception.Message, 1);
    return 1;
}
catch (Exception exception) when (StartupErrors.Describe(exception) is { } problem)
{
    if (!StartsHost(args))
    {
        // doctor, stats, review and health change nothing on disk (README "Commands"): the config's log file is not made for them.
        await CloseLogAsync();
        LoggingSetup.StartBootstrapLogger();
    }

    Log.ForContext("SourceContext", "FaceSorter").Fatal("Invalid configuration{NotStarting}:\n{ProblemLines}", StartsHost(args) ? ", not starting" : "", problem);
    await JsonError.WriteAsync(args, results, "invalid_configuration", problem, 2);
    return 2;
}
catch (Exception exception) when (FaceSorter.Storage.DiskFull.Is(exception))
{
    // Full before the store was opened (the log file's own disk, say): one line on the console, no stack trace.
    await CloseLogAsync();
    LoggingSetup.StartBootstrapLogger();
    // `run` and `scan` had not started; another verb (review approve, say) stopped on it.
    var what = StartsHost(args) ? "Not starting" : "Stopped";
    Log.ForContext("SourceContext", "FaceSorter").Fatal("{What}: the disk is full ({Reason}). Free space there (or move FaceSorter's data and logs elsewhere) and try again", what, exception.Message.TrimEnd('.'));
    await JsonError.WriteAsync(args, results, "disk_full", exception.Message, 1);
    return 1;
}
catch (Exception exception)
{
    Log.ForContext("SourceContext", "FaceSorter").Fatal(exception, "FaceSorter stopped unexpectedly");
    return 1;
}
finally
{
    await CloseLogAsync();
}

// A log file on a full disk fails its last flush: that must not turn a clear exit into a crash.
static async Task CloseLogAsync()
{
    try
    {
        await Log.CloseAndFlushAsync();
    }
    catch (IOException)
    {
    }
}

// `run` (also the bare `--config …` form) and `scan` start the daemon's work; every other verb only reads or acts once.
static bool StartsHost(string[] args) => args.FirstOrDefault() is null or "run" or "scan" || args[0].StartsWith('-');
