using System.CommandLine;
using System.Text.Json;
using FaceSorter.App.Hosting;
using FaceSorter.Decisions;
using FaceSorter.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FaceSorter.App.Cli;

/// <summary><c>facesorter review list|approve|reject</c>.</summary>
internal static class ReviewCommand
{
    public static Command Create()
    {
        var command = new Command("review", "List review items, or approve or reject one as the file manager would");
        command.Subcommands.Add(List());
        return command;
    }

    private static Command List()
    {
        var category = new Option<string?>("--category") { Description = $"Only this category: {string.Join(", ", ReviewCategories.All)}" };
        var command = new Command("list", "List the files waiting for review");
        command.Options.Add(category);
        command.Options.Add(CommonOptions.Json);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var only = parse.GetValue(category);
            if (only is not null && !ReviewCategories.IsKnown(only))
            {
                await Console.Error.WriteLineAsync($"Unknown category '{only}'. Use one of: {string.Join(", ", ReviewCategories.All)}");
                return 2;
            }

            using var host = FaceSorterHost.Build(parse.GetValue(CommonOptions.Config), FaceSorterHost.Purpose.Query, quiet: true);
            var store = host.Services.GetRequiredService<IFaceSorterStore>();
            await store.MigrateAsync(cancellationToken);
            var items = await store.ListReviewAsync(only, null, cancellationToken);
            if (parse.GetValue(CommonOptions.Json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(items.Select(ReviewJson.From)));
            }
            else
            {
                foreach (var item in items)
                {
                    await Console.Out.WriteLineAsync($"{item.Id,6}  {item.Action.ToString().ToLowerInvariant(),-8}  {item.Category,-16}  {item.FilePath}  ({item.Reason})");
                }

                await Console.Out.WriteLineAsync($"{items.Count} items");
            }

            return 0;
        });
        return command;
    }
}
