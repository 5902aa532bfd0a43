using System.CommandLine;
using System.Text.Json;
using FaceSorter.App.Hosting;
using FaceSorter.Decisions;
using FaceSorter.Diagnostics;
using FaceSorter.Review;
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
        command.Subcommands.Add(Approve());
        command.Subcommands.Add(Reject());
        return command;
    }

    private static Command Approve()
    {
        var id = ReviewItemId();
        var person = new Argument<string>("PERSON") { Description = "Who is in the picture; the file moves to faces/<person>/ (name sanitised)" };
        var command = new Command("approve", "Move a review file into faces/<person>/ and record the approval (reviewed_by = cli)");
        command.Arguments.Add(id);
        command.Arguments.Add(person);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = FaceSorterHost.Build(parse.GetValue(CommonOptions.Config), FaceSorterVerb.Query, quiet: true);
            var actions = await ActionsAsync(host, cancellationToken);
            return await ReportAsync(parse, await actions.ApproveAsync(parse.GetValue(id), parse.GetValue(person)!, ReviewedByCli, cancellationToken));
        });
        return command;
    }

    private static Command Reject()
    {
        var id = ReviewItemId();
        var command = new Command("reject", "Delete a review file and record the rejection (reviewed_by = cli); a later copy is a duplicate, rejected before");
        command.Arguments.Add(id);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = FaceSorterHost.Build(parse.GetValue(CommonOptions.Config), FaceSorterVerb.Query, quiet: true);
            var actions = await ActionsAsync(host, cancellationToken);
            return await ReportAsync(parse, await actions.RejectAsync(parse.GetValue(id), ReviewedByCli, cancellationToken));
        });
        return command;
    }

    private const string ReviewedByCli = "cli";

    /// <summary>The ID argument: a word that is not a whole number says what an id is, not "Cannot parse argument … as expected type 'System.Int64'" (exit 2, README "Exit codes").</summary>
    private static Argument<long> ReviewItemId() => new("ID")
    {
        Description = "The review item's id (see review list)",
        CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
            if (long.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                return id;
            }

            result.AddError($"'{token}' is not a review item id: use the whole number in the ID column of 'facesorter review list'");
            return 0;
        },
    };

    private static async Task<ReviewActions> ActionsAsync(Microsoft.Extensions.Hosting.IHost host, CancellationToken cancellationToken)
    {
        await host.Services.GetRequiredService<IStoreSchema>().MigrateAsync(cancellationToken);
        return host.Services.GetRequiredService<ReviewActions>(); // the query host's journalled mover, no pipeline

    }

    private static async Task<int> ReportAsync(ParseResult parse, ReviewActionResult result)
    {
        if (result.Succeeded)
        {
            await parse.InvocationConfiguration.Output.WriteLineAsync(PrintableText.Escape(result.Message));
            return 0;
        }

        await Console.Error.WriteLineAsync(PrintableText.Escape(result.Message));
        return result.Outcome == ReviewOutcome.InvalidPerson ? 2 : 1; // a person name that cannot be a folder is a bad command line (README "Exit codes")
    }

    private static Command List()
    {
        var category = new Option<string?>("--category")
        {
            Description = $"Only this category: {string.Join(", ", ReviewCategories.All)}",
            CustomParser = result =>
            {
                // A parse error like any other bad command line: exit 2, and with --json a JSON object (Program.cs).
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (ReviewCategories.IsKnown(text))
                {
                    return text;
                }

                result.AddError($"Unknown category '{PrintableText.Escape(text)}'. Use one of: {string.Join(", ", ReviewCategories.All)}");
                return null;
            },
        };
        var all = new Option<bool>("--all") { Description = "Also list decided items (approved, rejected), not only those waiting" };
        var command = new Command("list", "List the files waiting for review, a near duplicate with the earlier copy it looks like (--all: decided ones too)");
        command.Options.Add(category);
        command.Options.Add(all);
        command.Options.Add(CommonOptions.Json);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var only = parse.GetValue(category);

            using var host = FaceSorterHost.Build(parse.GetValue(CommonOptions.Config), FaceSorterVerb.Query, quiet: true);
            await host.Services.GetRequiredService<IStoreSchema>().MigrateAsync(cancellationToken);
            var showAll = parse.GetValue(all);
            var items = await host.Services.GetRequiredService<IReviewQueue>().ListReviewAsync(only, showAll ? null : ReviewAction.Pending, cancellationToken);
            if (parse.GetValue(CommonOptions.Json))
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync(JsonSerializer.Serialize(items.Select(ReviewJson.From)));
            }
            else
            {
                foreach (var item in items)
                {
                    await parse.InvocationConfiguration.Output.WriteLineAsync($"{item.Id,6}  {item.Action.ToString().ToLowerInvariant(),-8}  {item.Category,-16}  {PrintableText.Escape(item.FilePath)}  ({PrintableText.Escape(item.Reason ?? "")})");
                    if (item.EarlierCopy is { } earlier)
                    {
                        await parse.InvocationConfiguration.Output.WriteLineAsync($"{"",6}  {"",-8}  {"looks like",-16}  {PrintableText.Escape(earlier)}");
                    }
                }

                await parse.InvocationConfiguration.Output.WriteLineAsync(showAll ? Plural.Of(items.Count, "item") : $"{Plural.Of(items.Count, "item")} waiting for review");
            }

            return 0;
        });
        return command;
    }
}
