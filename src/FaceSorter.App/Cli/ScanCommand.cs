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
            // Not quiet with --json: the moves it makes are recorded in the log like any others (stderr and
            // the log file); stdout holds only the JSON either way (Program.cs).
            using var host = FaceSorterHost.Build(parse.GetValue(CommonOptions.Config), FaceSorterVerb.Scan);
            // Resolved before the run: RunAsync disposes the host when it ends.
            var summary = host.Services.GetRequiredService<RunSummary>();
            var ledger = host.Services.GetRequiredService<FaceSorter.Watching.DropFolderMonitor>();
            var exitCode = await HostRun.RunAsync(host, cancellationToken);
            if (json)
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    sorted = summary.Finished,
                    failed = summary.Failed,
                    waiting_for_immich = summary.WaitingForImmich,
                    still_downloading = ledger.StillSettling,
                    still_empty = ledger.StillEmpty,
                    by_destination = summary.ByDestination,
                }));
            }
            else
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync($"Sorted {Plural.Of(summary.Finished, "file")}, {summary.Failed} failed{WaitingNote(summary.WaitingForImmich)} (they stay in the drop folder), {ledger.StillSettling} still downloading{EmptyNote(ledger.StillEmpty)}.");
                foreach (var (destination, count) in summary.ByDestination)
                {
                    await parse.InvocationConfiguration.Output.WriteLineAsync($"  {destination,-30} {count,6}");
                }
            }

            return exitCode;
        });
        return command;
    }

    private static string WaitingNote(int waiting) => waiting == 0 ? "" : $", {waiting} wait for Immich";

    private static string EmptyNote(int empty) =>
        empty == 0 ? "" : $" ({empty} of them empty: maybe download placeholders, left for the daemon to decide after EmptyFileTimeout)";
}
