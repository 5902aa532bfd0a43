using System.Globalization;
using System.Reflection;
using FaceSorter.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FaceSorter.Options;

/// <summary>
/// Checks, before anything is bound, that every number, duration, switch and choice of the options
/// classes in the configuration (the config file and <c>FACESORTER__…</c> variables) reads as its type,
/// so a value such as <c>"twelve"</c> stops start-up with a message naming the key, the bad value and what
/// is accepted (docs/contracts.md, "Configuration"), not the binder's
/// "Failed to convert … to type 'System.Int32'". Each value is parsed as the configuration binder parses it
/// (invariant culture; a choice by name, any case), so what passes here binds.
/// </summary>
public static class ConfigValues
{
    /// <summary>Every options class bound from the configuration, with its section.</summary>
    internal static readonly (string Section, Type Type)[] Bound =
    [
        (DirectoriesOptions.Section, typeof(DirectoriesOptions)),
        (DatabaseOptions.Section, typeof(DatabaseOptions)),
        (SortingOptions.Section, typeof(SortingOptions)),
        (ReviewOptions.Section, typeof(ReviewOptions)),
        (ImmichOptions.Section, typeof(ImmichOptions)),
        (WebOptions.Section, typeof(WebOptions)),
        (NotificationOptions.Section, typeof(NotificationOptions)),
    ];

    /// <summary>
    /// The full keys of every number, duration, switch and choice of the bound options classes, with an
    /// example of a good value (the default) and what is accepted.
    /// </summary>
    public static IEnumerable<(string Key, Type Type, string Accepted)> Keys() =>
        from bound in Bound
        let defaults = Activator.CreateInstance(bound.Type)
        from property in bound.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        where property.CanWrite
        let accepted = Accepted(property.PropertyType, property.GetValue(defaults))
        where accepted is not null
        select ($"{bound.Section}:{property.Name}", property.PropertyType, accepted);

    /// <summary>Throws <see cref="OptionsValidationException"/> naming every value of <paramref name="configuration"/> that does not read as its type.</summary>
    /// <exception cref="OptionsValidationException">One failure per bad value: <c>key = 'value' is not valid: accepted</c>.</exception>
    public static void Check(IConfiguration configuration)
    {
        var failures = new List<string>();
        foreach (var (key, type, accepted) in Keys().DistinctBy(key => key.Key, StringComparer.OrdinalIgnoreCase))
        {
            var value = configuration[key];
            if (value is null)
            {
                continue;
            }

            if (!Reads(value, type))
            {
                failures.Add($"{key} = '{value}' is not valid: {accepted}");
            }
            else if (IsBareDays(value, type))
            {
                // .NET reads a duration without ':' as whole days: "RejectGrace": 5 was five days, and nothing said so.
                failures.Add($"{key} = '{value}' is not valid: a number alone is read as days. Fix: write the duration as hh:mm:ss, {BareDaysExample(value.Trim())}");
            }
        }

        failures.AddRange(Shapes(configuration).Distinct(StringComparer.Ordinal));
        if (failures.Count > 0)
        {
            throw new OptionsValidationException("FaceSorter", typeof(ConfigValues), failures);
        }
    }

    /// <summary>
    /// Each setting given in the wrong shape: a list (<c>Whitelist</c>) given one value (<c>"alice"</c>, or
    /// <c>FACESORTER__Whitelist=alice</c>) or an object with names (<c>{"a": "bob"}</c>), a section
    /// (<c>Database</c>) given one value or a list, one value (<c>MinConfidence</c>) given a list or an object.
    /// The binder skips each of these without a word and keeps the default: an empty blacklist sorts everyone.
    /// An empty value (<c>""</c>) of a list or section means "none" and passes.
    /// </summary>
    private static IEnumerable<string> Shapes(IConfiguration configuration)
    {
        foreach (var section in Bound.Select(bound => bound.Section).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var given = configuration.GetSection(section);
            var children = given.GetChildren().ToList();
            if (!string.IsNullOrEmpty(given.Value) || (children.Count > 0 && children.All(child => IsIndex(child.Key))))
            {
                var name = section.Split(':')[^1];
                yield return $"{section} = {Render(given)} is not valid: it is a group of settings, not {(string.IsNullOrEmpty(given.Value) ? "a list" : "one value")}. "
                    + $"Fix: write it as \"{name}\": {{ \"Setting\": value, … }} in the config file (see etc/facesorter.json), or set each as {Variable(section)}__Setting=value";
            }
        }

        foreach (var bound in Bound)
        {
            foreach (var property in bound.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.CanWrite))
            {
                var key = $"{bound.Section}:{property.Name}";
                var given = configuration.GetSection(key);
                var children = given.GetChildren().ToList();
                if (IsList(property.PropertyType))
                {
                    if (!string.IsNullOrEmpty(given.Value) || children.Any(child => !IsIndex(child.Key)))
                    {
                        var items = !string.IsNullOrEmpty(given.Value)
                            ? given.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                            : children.Select(child => child.Value ?? "").ToArray();
                        var example = items.Length == 0 ? ["alice"] : items;
                        yield return $"{key} = {Render(given)} is not valid: it is a list, not {(string.IsNullOrEmpty(given.Value) ? "an object with names" : "one value")}. "
                            + $"Fix: write \"{property.Name}\": [{string.Join(", ", example.Select(item => $"\"{item}\""))}] in the config file, "
                            + $"or {string.Join(" ", example.Select((item, index) => $"{Variable(key)}__{index}={item}"))} as variables";
                    }
                }
                else if (children.Count > 0)
                {
                    var defaults = Activator.CreateInstance(bound.Type);
                    var example = property.GetValue(defaults) switch
                    {
                        string { Length: > 0 } text => text,
                        { } value when Example(value) is { Length: > 0 } written => written,
                        _ => "…",
                    };
                    yield return $"{key} = {Render(given)} is not valid: it is one value, not a {(children.All(child => IsIndex(child.Key)) ? "list" : "group of settings")}. "
                        + $"Fix: write \"{property.Name}\": \"{example}\" in the config file, or {Variable(key)}={example}";
                }
            }
        }
    }

    private static bool IsList(Type type) =>
        type != typeof(string) && type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

    private static bool IsIndex(string key) => int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary>The <c>FACESORTER__…</c> variable of a key (docs/contracts.md, "Configuration").</summary>
    private static string Variable(string key) =>
        "FACESORTER__" + (key.StartsWith("FaceSorter:", StringComparison.OrdinalIgnoreCase) ? key["FaceSorter:".Length..] : key).Replace(":", "__", StringComparison.Ordinal);

    /// <summary>What was given, as JSON-like text: <c>'alice'</c>, <c>["a", "b"]</c>, <c>{"a": "bob"}</c>.</summary>
    private static string Render(IConfigurationSection given)
    {
        var children = given.GetChildren().ToList();
        if (children.Count == 0 || !string.IsNullOrEmpty(given.Value))
        {
            return $"'{given.Value}'";
        }

        return children.All(child => IsIndex(child.Key))
            ? $"[{string.Join(", ", children.Select(Inner))}]"
            : $"{{{string.Join(", ", children.Select(child => $"\"{child.Key}\": {Inner(child)}"))}}}";

        static string Inner(IConfigurationSection child) => child.GetChildren().Any() ? Render(child) : $"\"{child.Value}\"";
    }

    /// <summary>The duration a number alone may have meant, written as it must be: <c>600</c> → <c>00:10:00 for 600 seconds, or 600.00:00:00 for 600 days</c>.</summary>
    private static string BareDaysExample(string number) =>
        int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= 86_400
            ? $"e.g. {TimeSpan.FromSeconds(count).ToString("c", CultureInfo.InvariantCulture)} for {count} seconds, or {TimeSpan.FromDays(count).ToString("c", CultureInfo.InvariantCulture)} for {count} days"
            : "e.g. 00:00:05 for five seconds, or 1.00:00:00 for a day";

    /// <summary>A duration written as a number alone (<c>5</c>), which .NET reads as that many days.</summary>
    private static bool IsBareDays(string value, Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) == typeof(TimeSpan) && value.Trim().Length > 0 && !value.Contains(':', StringComparison.Ordinal);

    private static bool Reads(string value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (value.Length == 0 && target != type)
        {
            return true; // an empty value leaves a nullable setting unset
        }

        return target switch
        {
            _ when target == typeof(int) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            _ when target == typeof(long) => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            _ when target == typeof(double) => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            _ when target == typeof(TimeSpan) => TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _),
            _ when target == typeof(bool) => bool.TryParse(value, out _),
            _ when target.IsEnum => Enum.TryParse(target, value, ignoreCase: true, out var choice) && Enum.IsDefined(target, choice!),
            _ => true,
        };
    }

    private static string? Accepted(Type type, object? example)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target switch
        {
            _ when target == typeof(int) || target == typeof(long) => $"use a whole number (digits only), e.g. {Example(example)}",
            _ when target == typeof(double) => $"use a number with a dot for decimals, e.g. {Example(example)}",
            _ when target == typeof(TimeSpan) => $"use a duration as hh:mm:ss (d.hh:mm:ss for days; seconds may have decimals), e.g. {Example(example)}",
            _ when target == typeof(bool) => "use true or false",
            _ when target.IsEnum => $"use one of {string.Join(", ", Enum.GetNames(target))}",
            _ => null,
        };
    }

    /// <summary>The default, as it is written in the config file.</summary>
    private static string Example(object? example) => example switch
    {
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IFormattable value => value.ToString(null, CultureInfo.InvariantCulture),
        _ => "",
    };
}
