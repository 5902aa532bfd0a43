using System.CommandLine;
using System.Text.Json;
using FaceSorter.App.Hosting;
using FaceSorter.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FaceSorter.App.Cli;

/// <summary><c>facesorter scan</c>: sort what is in the drop folder now, print a summary, exit.</summary>
internal static class ScanCommand
{
    public static Command Create()
    {
        var command = new Command("scan", "Sort the files that are in the drop folder now, print a summary and exit");
        command.Options.Add(CommonOptions.Json);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var json = parse.GetValue(CommonOptions.Json);
            using var host = FaceSorterHost.Build(parse.GetValue(CommonOptions.Config), FaceSorterHost.Purpose.Scan, quiet: json);
            await host.RunAsync(cancellationToken);
            var summary = host.Services.GetRequiredService<RunSummary>();
            var ledger = host.Services.GetRequiredService<FaceSorter.Watching.DropFolderMonitor>();
            if (json)
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    sorted = summary.Finished,
                    failed = summary.Failed,
                    still_downloading = ledger.Waiting,
                    by_destination = summary.ByDestination,
                }));
            }
            else
            {
                await Console.Out.WriteLineAsync($"Sorted {summary.Finished} files, {summary.Failed} failed (they stay in the drop folder), {ledger.Waiting} still downloading.");
                foreach (var (destination, count) in summary.ByDestination)
                {
                    await Console.Out.WriteLineAsync($"  {destination,-30} {count,6}");
                }
            }

            return 0;
        });
        return command;
    }
}
