using System.Data;

namespace FaceSorter.Storage;

/// <summary>
/// A statement parameter, written <c>@Name</c> in the SQL (both providers accept that form). It carries
/// its type, so a null still has one: PostgreSQL cannot infer the type of a bare <c>@x IS NULL</c>.
/// </summary>
internal readonly record struct Arg(string Name, object? Value, DbType? Type)
{
    public static Arg Text(string name, string? value) => new(name, value, DbType.String);

    public static Arg Int(string name, int value) => new(name, value, DbType.Int32);

    public static Arg Long(string name, long value) => new(name, value, DbType.Int64);

    public static Arg Real(string name, double? value) => new(name, value, DbType.Double);
}
