using System.CommandLine;
using System.Text.Json;
using FaceSorter.App.Hosting;
using FaceSorter.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FaceSorter.App.Cli;

/// <summary>
/// <c>facesorter doctor [--json]</c>: checks folders, the store and every Immich endpoint the mode
/// uses, the web address and a running instance, one line each with the fix; read-only (nothing is
/// created or written). Exit code 1 when something blocks sorting, 0 otherwise
/// (warnings included); a bad config stops earlier with exit code 2, like every verb.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check folders, database, web address and every Immich endpoint, and say what to fix (changes nothing on disk)");
        command.Options.Add(CommonOptions.Json);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = FaceSorterHost.Build(parse.GetValue(CommonOptions.Config), FaceSorterVerb.Doctor, quiet: true);
            var checks = await host.Services.GetRequiredService<Doctor>().RunAsync(cancellationToken);
            var passed = Doctor.AllPassed(checks);
            await parse.InvocationConfiguration.Output.WriteLineAsync(parse.GetValue(CommonOptions.Json) ? ToJson(checks, passed) : ToText(checks, passed));
            return passed ? 0 : 1;
        });
        return command;
    }

    private static string ToJson(IReadOnlyList<DoctorCheck> checks, bool passed) =>
        JsonSerializer.Serialize(new
        {
            ok = passed,
            checks = checks.Select(check => new { name = check.Name, status = check.Status.ToString().ToLowerInvariant(), detail = check.Detail, fix = check.Fix }),
        });

    private static string ToText(IReadOnlyList<DoctorCheck> checks, bool passed)
    {
        var width = checks.Max(check => check.Name.Length);
        var lines = new List<string>();
        foreach (var check in checks)
        {
            var mark = check.Status switch
            {
                CheckStatus.Ok => "ok  ",
                CheckStatus.Warning => "warn",
                CheckStatus.Failed => "FAIL",
                _ => "skip",
            };
            lines.Add($"{mark}  {check.Name.PadRight(width)}  {check.Detail}");
            if (check.Fix is not null)
            {
                lines.Add($"      {new string(' ', width)}  fix: {check.Fix}");
            }
        }

        lines.Add(passed ? "Nothing blocks sorting." : "Something blocks sorting: fix the FAIL lines above.");
        return string.Join(Environment.NewLine, lines);
    }
}
