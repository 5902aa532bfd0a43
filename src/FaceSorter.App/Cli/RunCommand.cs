using System.CommandLine;
using FaceSorter.App.Hosting;
using Microsoft.Extensions.Hosting;

namespace FaceSorter.App.Cli;

/// <summary><c>facesorter run</c>: the daemon. Ctrl-C or SIGTERM stop it cleanly (exit 0); a part of it that fails stops it with exit 1 (<see cref="HostRun"/>).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Run the daemon: watch the drop folder, sort finished files, record review actions, serve the web page");
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = FaceSorterHost.Build(parse.GetValue(CommonOptions.Config), FaceSorterVerb.Run);
            return await HostRun.RunAsync(host, cancellationToken);
        });
        return command;
    }
}
