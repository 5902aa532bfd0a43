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
            if (configuration[key] is { } value && !Reads(value, type))
            {
                failures.Add($"{key} = '{value}' is not valid: {accepted}");
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException("FaceSorter", typeof(ConfigValues), failures);
        }
    }

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
