using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FaceSorter.App.Hosting;
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
        var command = new Command("stats", "Show auto_sorted, in_review, by_person, by_category, success_rate and duplicates caught (exact and near)");
        command.Options.Add(days);
        command.Options.Add(CommonOptions.Json);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = FaceSorterHost.Build(parse.GetValue(CommonOptions.Config), FaceSorterVerb.Query, quiet: true);
            await host.Services.GetRequiredService<IStoreSchema>().MigrateAsync(cancellationToken);
            var stats = await host.Services.GetRequiredService<ISortStatistics>().GetStatsAsync(parse.GetValue(days), host.Services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
            await parse.InvocationConfiguration.Output.WriteLineAsync(parse.GetValue(CommonOptions.Json) ? ToJson(stats) : ToText(stats));
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

    public static string ToJson(SortStats stats) => JsonSerializer.Serialize(StatsJson.From(stats));

    private static string ToText(SortStats stats)
    {
        var lines = new List<string>
        {
            $"Last {(stats.Days == 1 ? "day" : Plural.Of(stats.Days, "day"))}: {stats.AutoSorted} sorted automatically, {stats.InReview} waiting for review, success rate {stats.SuccessRate.ToString("0.0", CultureInfo.InvariantCulture)} %, {stats.Corrections} corrected by hand",
        };
        lines.Add($"  duplicates caught: {stats.ExactDuplicates} exact, {stats.NearDuplicates} near (same picture at another size, quality or format)");
        lines.AddRange(stats.ByPerson.Select(pair => $"  faces/{pair.Key,-24} {pair.Value,6}"));
        lines.AddRange(stats.ByCategory.Select(pair => $"  review/{pair.Key,-23} {pair.Value,6}"));
        return string.Join(Environment.NewLine, lines);
    }
}
