using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FaceSorter.App.Hosting;
using FaceSorter.Diagnostics;
using FaceSorter.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FaceSorter.App.Cli;

/// <summary><c>facesorter stats [--days N] [--json]</c>: the seed's figures.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var days = new Option<int>("--days")
        {
            Description = $"How many days back to count, from 1 to {MaxDays}",
            DefaultValueFactory = _ => 7,
            CustomParser = ParseDays,
        };
        var command = new Command("stats", "Show auto_sorted, in_review, by_person, by_category, success_rate, duplicates caught (exact and near) and the files held in the drop folder with their reasons");
        command.Options.Add(days);
        command.Options.Add(CommonOptions.Json);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = FaceSorterHost.Build(parse.GetValue(CommonOptions.Config), FaceSorterVerb.Query, quiet: true);
            await host.Services.GetRequiredService<IStoreSchema>().MigrateAsync(cancellationToken);
            var stats = await host.Services.GetRequiredService<ISortStatistics>().GetStatsAsync(parse.GetValue(days), host.Services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
            var held = (await host.Services.GetRequiredService<IHeldFiles>().GetHeldFilesAsync(cancellationToken)).Where(file => File.Exists(file.FilePath)).ToList();
            await parse.InvocationConfiguration.Output.WriteLineAsync(parse.GetValue(CommonOptions.Json) ? ToJson(stats, held) : ToText(stats, held));
            return 0;
        });
        return command;
    }

    private const int MaxDays = 3650;

    /// <summary>A whole number of days from 1 to <see cref="MaxDays"/>; anything else is one plain parse error.</summary>
    private static int ParseDays(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxDays)
        {
            return value;
        }

        result.AddError($"--days must be a whole number of days from 1 to {MaxDays}, e.g. --days 30 (got '{text}')");
        return 0;
    }

    /// <summary>Held files listed by <c>stats</c> at most; the count is of all of them.</summary>
    private const int MaxHeldShown = 20;

    /// <summary>The seed's figures, and the files held in the drop folder now: <c>held</c> = {count, files: [{file_path, reason, since}]}, the first <see cref="MaxHeldShown"/> by path.</summary>
    public static string ToJson(SortStats stats, List<HeldFile> held)
    {
        var json = StatsJson.From(stats);
        json["held"] = new Dictionary<string, object>
        {
            ["count"] = held.Count,
            ["files"] = held.Take(MaxHeldShown).Select(file => new Dictionary<string, string>
            {
                ["file_path"] = file.FilePath,
                ["reason"] = file.Reason,
                ["since"] = file.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
            }).ToList(),
        };
        return JsonSerializer.Serialize(json);
    }

    private static string ToText(SortStats stats, List<HeldFile> held)
    {
        var lines = new List<string>
        {
            $"Last {(stats.Days == 1 ? "day" : Plural.Of(stats.Days, "day"))}: {stats.AutoSorted} sorted automatically, {stats.InReview} waiting for review, success rate {stats.SuccessRate.ToString("0.0", CultureInfo.InvariantCulture)} %, {stats.Corrections} corrected by hand",
        };
        lines.Add($"  duplicates caught: {stats.ExactDuplicates} exact, {stats.NearDuplicates} near (same picture at another size, quality or format)");
        lines.AddRange(stats.ByPerson.Select(pair => $"  faces/{pair.Key,-24} {pair.Value,6}"));
        lines.AddRange(stats.ByCategory.Select(pair => $"  review/{pair.Key,-23} {pair.Value,6}"));
        if (held.Count > 0)
        {
            // What stays in the drop folder, and why: the log says it once, this says it whenever asked.
            lines.Add($"Held in the drop folder now: {Plural.Of(held.Count, "file")}, each tried again when it changes or its reason goes");
            lines.AddRange(held.Take(MaxHeldShown).Select(file => $"  {PrintableText.Escape(file.FilePath)}: {PrintableText.Escape(file.Reason)}"));
            if (held.Count > MaxHeldShown)
            {
                lines.Add($"  … and {held.Count - MaxHeldShown} more (stats --json lists the first {MaxHeldShown} too)");
            }
        }

        return string.Join(Environment.NewLine, lines);
    }
}
